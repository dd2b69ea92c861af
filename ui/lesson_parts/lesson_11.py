"""How lesson 11's demos and checks are drawn: stacking without return_sequences, resetting one layer
of a stack, and a reset loop over model.layers that misses a nested model's LSTM."""

import streamlit as st

from statelab.charts.practice_figures import plot_layer_states
from ui.live_results import captured_caption, render_captured, render_figure


def show_shape(values: list) -> None:
    """The two output shapes, and what stacking without return_sequences did."""
    value = values[0]
    setup = ("inputs = keras.Input(batch_shape=(4, 5, 1))",)
    render_captured(
        "keras.layers.LSTM(8, return_sequences=True)(inputs).shape", _ok(value["shape_sequences"]), setup
    )
    render_captured("keras.layers.LSTM(8)(inputs).shape", _ok(value["shape_last"]))
    render_captured("keras.layers.LSTM(8)(keras.layers.LSTM(8)(inputs))", value["stack_without_sequences"])
    captured_caption()


def names(layers: list[str]) -> str:
    """Layer names as inline code, comma-separated."""
    return ", ".join(f"`{name}`" for name in layers)


def _ok(value: object) -> dict:
    return {"ok": True, "value": value}


def show_stacked(values: list) -> None:
    """How far the second call moved, and the same after resetting every stateful layer."""
    upper_only, both = values[0]["upper_only_vs_first"], values[0]["both_vs_first"]
    st.markdown(
        f"- After resetting only `upper`: largest change of the output **{upper_only:.3g}**.\n"
        f"- After resetting every stateful layer with `stateful_layers(model)`: **{both:.3g}**."
    )
    shapes = ", ".join(f"`{name}` {shapes}" for name, shapes in values[0]["state_shapes"].items())
    st.markdown(f"State shapes (h and c): {shapes}.")
    after_one, after_all = values[0]["norms_after_upper_reset"], values[0]["norms_after_all_reset"]
    render_figure(plot_layer_states(values[0]["layers"], after_one, after_all))
    captured_caption()


def nested(values: list) -> None:
    """What model.layers lists, what a loop over it finds, and what the lesson's helper finds."""
    value = values[0]
    norms = ", ".join(f"**{norm:.3f}**" for norm in value["nested_norms_after_helper"])
    st.markdown(
        f"- `model.layers`: {names(value['nested_layers'])}.\n"
        f"- A reset loop over `model.layers` finds {names(value['nested_flat_loop_finds'])}; "
        f"`inner_lstm` keeps ‖h‖ = **{value['nested_inner_norm_after_flat_loop']:.3f}**.\n"
        f"- `stateful_layers(model)` finds {names(value['nested_helper_finds'])}; after resetting them "
        f"‖h‖ = {norms}."
    )
    captured_caption()


PARTS = {"stack_shape": show_shape, "stacked_reset": show_stacked, "nested": nested}
