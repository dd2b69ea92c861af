"""Lesson 1: what state is. Live: one state per batch row; the cue task, stateful against stateless."""

import streamlit as st

from statelab.jobs import demo_job
from statelab.lesson_charts import plot_row_change
from statelab.presets import PRESETS
from ui.demos import captured_caption, render_comparison, render_demo, render_figure
from ui.lessons import Check, lesson_config, render_lesson

CUE = lesson_config(PRESETS["correct"].config())
STATE_PER_ROW = demo_job("state_per_row")


def state_per_row() -> None:
    """The shape of the state and which rows move when only row 0's input changes."""
    value = render_demo(STATE_PER_ROW)
    if value is None:
        return
    shapes = " and ".join(f"`{shape}`" for shape in value["state_shapes"])
    st.markdown(
        f"`layer.states` holds *h* and *c*, of shapes {shapes}: one row of `units` numbers per batch row."
    )
    render_figure(plot_row_change(value["row_change"]))
    captured_caption()


def judge_cue(results: list) -> str:
    """Where the stateless model was right: first window only, every window, or nowhere."""
    result = results[0]
    stateless = result.stateless.by_window
    if stateless[1:].mean() >= 0.85:
        return "every"
    return "first" if stateless[0] >= result.chance + 0.2 else "none"


if __name__ == "__main__":  # Streamlit runs a page as __main__; ui.warm_up imports it for its works
    render_lesson(
        1, demos={"state_per_row": state_per_row}, checks={"cue": Check([CUE], judge_cue, render_comparison)}
    )
