"""Lesson 8: when not to use stateful. Live: the control task; the state is not saved with the model."""

import streamlit as st

from statelab.claims import judge_control
from statelab.presets import PRESETS
from ui.demos import captured_caption, demo_job, render_comparison
from ui.lessons import Check, lesson_config, render_lesson

CONTROL = lesson_config(PRESETS["control"].config())
SAVED = demo_job("state_not_saved")


def judge_saved(values: list) -> str:
    """Whether the loaded model started from zero or from the saved state."""
    return "zero" if values[0]["norm_after_load"] == 0.0 else "kept"


def show_saved(values: list) -> None:
    """The state's size before saving and after loading, and what get_weights() holds."""
    value = values[0]
    before, after = st.columns(2)
    before.metric("‖h‖ when saved", f"{value['norm_before_save']:.4f}")
    after.metric("‖h‖ after loading", f"{value['norm_after_load']:.4f}")
    weights = ", ".join(
        f"`{name}` {shape}" for name, shape in zip(value["weights"], value["weight_shapes"], strict=True)
    )
    among = "yes" if value["state_in_weights"] else "no"
    st.markdown(f"`get_weights()` holds {weights}. Is the state among them? **{among}**.")
    captured_caption()


render_lesson(
    8,
    demos={},
    checks={
        "control": Check([CONTROL], judge_control, render_comparison),
        "saved": Check([SAVED], judge_saved, show_saved),
    },
)
