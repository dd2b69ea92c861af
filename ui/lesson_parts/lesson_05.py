"""How lesson 5's demos and checks are drawn: predict advances the state; another batch size; the fix."""

import streamlit as st

from statelab.charts.lesson_figures import plot_predict_twice
from ui.live_results import captured_caption, render_captured, render_figure


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


def show_other(values: list) -> None:
    """The trained model's answer to a one-sample predict."""
    setup = (f"model.fit(x, y, batch_size={values[0]['batch_size']}, shuffle=False)",)
    render_captured("model.predict(x_one, batch_size=1).shape", values[0]["after_fit"], setup)
    captured_caption()


def silent_broadcast(values: list) -> None:
    """The one-sample predict after a full-batch predict: a broadcast over every row; other sizes."""
    value = values[0]
    batch_size, outcome = value["batch_size"], value["after_full_batch"]
    setup = (
        f"model.fit(x, y, batch_size={batch_size}, shuffle=False)",
        f"model.predict(x[:{batch_size}], batch_size={batch_size})  # score the training streams",
    )
    render_captured("model.predict(x_one, batch_size=1).shape", outcome, setup)
    if outcome["ok"] and outcome["value"][0] != 1:
        st.error(
            f"No error this time: one sample in, **{outcome['value'][0]} predictions** out. Keras fed the "
            f"sample to every state row: row *i*'s prediction is the sample read from row *i*'s state "
            f"(largest difference **{value['outputs_vs_each_row']:.1g}**), and the states of "
            f"**{value['rows_whose_state_changed']} of {batch_size}** rows were overwritten. Nothing warns "
            "you.",
            icon=":material/visibility_off:",
        )
    st.markdown("Only a batch of exactly one sample slips through; other sizes still fail:")
    for samples, other in value["other_sizes"].items():
        render_captured(f"model.predict(x[:{samples}], batch_size={samples}).shape", other)
    captured_caption()


def the_fix(values: list) -> None:
    """The second model with batch size 1 and copied weights: its shape and agreement with the big model."""
    value = values[0]
    st.success(
        f"`single.predict(x_one, batch_size=1)` has shape **{value['fixed_shape']}**. Fed the same sequence, "
        f"it matches row 0 of the {value['batch_size']}-row model (both from a zero state) to within "
        f"**{value['fixed_matches_row_0']:.1g}**.",
        icon=":material/check_circle:",
    )
    captured_caption()


PARTS = {
    "predict_twice": show_twice,
    "other_batch": show_other,
    "silent_broadcast": silent_broadcast,
    "the_fix": the_fix,
}
