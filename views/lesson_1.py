"""Lesson 1: what state is. The words as a picture; live: one state per batch row; the cue task."""

import streamlit as st

from statelab.claims import judge_cue
from statelab.lesson_charts import plot_lstm_words, plot_row_change
from statelab.presets import PRESETS
from ui.demos import captured_caption, demo_job, render_comparison, render_demo, render_figure
from ui.lessons import Check, lesson_config, render_lesson

CUE = lesson_config(PRESETS["correct"].config())
STATE_PER_ROW = demo_job("state_per_row")


def words() -> None:
    """The picture of the words: an LSTM unrolled over a window, a stream's windows, streams as batch rows."""
    render_figure(plot_lstm_words())
    st.caption(
        "An arrow carries the state *h, c* forward. In the batches, *s2 w3* is window 3 of stream 2; the "
        "layout diagrams of the next lessons count from 0, so there the first window of the first stream "
        "is *s0 w0*."
    )


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


render_lesson(
    1,
    demos={"words": words, "state_per_row": state_per_row},
    checks={"cue": Check([CUE], judge_cue, render_comparison)},
)
