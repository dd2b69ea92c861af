"""Lesson 5: predict and evaluate. Live: predict advances the state; another batch size; the fix."""

import streamlit as st

from statelab.jobs import demo_job
from statelab.lesson_charts import plot_predict_twice
from ui.demos import captured_caption, render_captured, render_demo, render_figure
from ui.lessons import Check, render_lesson

TWICE = demo_job("predict_advances_state")
OTHER = demo_job("other_batch_size", batch_size=10, timesteps=5)


def judge_twice(values: list) -> str:
    """Did two identical predict calls differ?"""
    return "different" if values[0]["first_vs_second"] > 1e-6 else "same"


def show_twice(values: list) -> None:
    """Both calls' outputs, then the same after a reset, and evaluate."""
    value = values[0]
    render_figure(plot_predict_twice(value["first"], value["second"]))
    st.markdown(
        f"- Largest difference between the two calls: **{value['first_vs_second']:.4g}**.\n"
        f"- With `reset_state()` before the second call: **{value['first_vs_after_reset']:.4g}**.\n"
        f"- From a zero state, `evaluate` left ‖h‖ = **{value['norm_after_evaluate']:.4f}** behind, "
        f"`predict_on_batch` **{value['norm_after_predict_on_batch']:.4f}**, "
        f"and calling `model(x)` **{value['norm_after_call']:.4f}**."
    )
    captured_caption()


def judge_other(values: list) -> str:
    """What predicting one sample did on a freshly built model: an error, one row, or many rows."""
    outcome = values[0]["fresh_model"]
    if not outcome["ok"]:
        return "error"
    return "one" if outcome["value"][0] == 1 else "ten"


def show_other(values: list) -> None:
    """The fresh model's answer to a one-sample predict."""
    render_captured("model.predict(x_one, batch_size=1).shape", values[0]["fresh_model"])
    captured_caption()


def silent_broadcast() -> None:
    """A one-sample predict after the model has predicted with its full batch."""
    value = render_demo(OTHER)
    if value is None:
        return
    batch_size = value["batch_size"]
    outcome = value["after_full_batch"]
    setup = (f"model.predict(x, batch_size={batch_size})  # the full batch first, as after training",)
    render_captured("model.predict(x_one, batch_size=1).shape", outcome, setup)
    if outcome["ok"] and outcome["value"][0] != 1:
        st.error(
            f"No error this time: one sample in, **{outcome['value'][0]} predictions** out. The sample was "
            "broadcast over every state row, and nothing warns you.",
            icon=":material/visibility_off:",
        )
    captured_caption()


def the_fix() -> None:
    """The second model with batch size 1 and copied weights: its shape and agreement with the big model."""
    value = render_demo(OTHER)
    if value is None:
        return
    st.success(
        f"`single.predict(x_one, batch_size=1)` has shape **{value['fixed_shape']}**. Fed the same sequence, "
        f"it matches row 0 of the {value['batch_size']}-row model (both from a zero state) to within "
        f"**{value['fixed_matches_row_0']:.1g}**.",
        icon=":material/check_circle:",
    )
    captured_caption()


if __name__ == "__main__":  # Streamlit runs a page as __main__; ui.warm_up imports it for its works
    render_lesson(
        5,
        demos={"silent_broadcast": silent_broadcast, "the_fix": the_fix},
        checks={
            "predict_twice": Check([TWICE], judge_twice, show_twice),
            "other_batch": Check([OTHER], judge_other, show_other),
        },
    )
