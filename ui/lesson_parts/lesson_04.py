"""How lesson 4's demos and checks are drawn: the epoch boundary, the reset API, validation, resets."""

import streamlit as st

from statelab.charts.continuity import plot_state_trace
from statelab.charts.lab import BROKEN_COLOR, STATEFUL_COLOR, plot_runs_by_window
from statelab.charts.lesson_figures import plot_epoch_boundary
from statelab.teaching.lessons.lesson_04 import POLICIES
from ui.live_results import captured_caption, render_captured, render_figure, stacked

VARIANTS = {
    "no_reset": "no reset callback",
    "train_only": "reset in on_train_batch_begin only (above)",
    "lesson_callback": "reset in train, test and predict batches (below)",
}
BOUNDARIES = {
    "training_ends": "epoch 1, last training batch ends",
    "validation_starts": "validation starts",
    "validation_ends": "validation ends",
    "next_epoch_starts": "epoch 2, training starts",
}


def show_epochs(values: list) -> None:
    """‖h‖ at the start and end of every epoch."""
    render_figure(plot_epoch_boundary(values[0]["epoch_begin"], values[0]["epoch_end"]))
    captured_caption()


def reset_layers(values: list) -> None:
    """model.reset_states() against layer.reset_state(), and what a loop over model.layers meets."""
    value = values[0]
    render_captured("model.reset_states()  # a Functional model", value["functional_reset_states"])
    render_captured("model.reset_states()  # a Sequential model", value["sequential_reset_states"])
    st.markdown(
        f"The Keras 3 way, `layer.reset_state()` on the LSTM layer: ‖h‖ went from "
        f"**{value['norm_before_reset']:.4f}** to **{value['norm_after_layer_reset']:.4f}**. Now a loop over "
        "`model.layers`, calling `reset_state()` on each:"
    )
    render_captured('model.get_layer("head").reset_state()  # the Dense head', value["dense_reset_state"])
    kept = "kept" if value["lookup_vocabulary_kept"] else "lost"
    stateful = "no" if value["lookup_stateful"] is None else "a"
    inner = value["nested_inner_norm_after_flat_loop"]
    layers, found = _names(value["nested_layers"]), _names(value["nested_flat_loop_finds"])
    st.markdown(
        '- A filter on `getattr(layer, "stateful", False)` skips the head. It also skips `StringLookup`, '
        f"whose own `reset_state()` belongs to `adapt()`: it ran, the layer {kept} its vocabulary, and it "
        f"has {stateful} `stateful` attribute.\n"
        f"- With the first LSTM inside a nested model, `model.layers` is {layers}: "
        f"the filtered loop finds {found} only and leaves the inner LSTM at ‖h‖ = **{inner:.4f}**. The "
        f"helper below finds {_names(value['nested_helper_finds'])}; after its reset, ‖h‖ = "
        + " and ".join(f"**{norm:.4f}**" for norm in value["nested_norms_after_helper"])
        + "."
    )
    captured_caption()


def _names(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def show_validation(values: list) -> None:
    """‖h‖ where training and validation meet, for each reset variant."""
    rows = [
        {"reset": label, **{name: f"{values[0][key][boundary]:.4f}" for boundary, name in BOUNDARIES.items()}}
        for key, label in VARIANTS.items()
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(
        "‖h‖, the size of the LSTM's hidden state, where `fit` passes between training and validation."
    )
    captured_caption()


def show_policies(results: list) -> None:
    """Accuracy by window under both policies, and the carried state entering each stream's first window."""
    runs = stacked(results, list(POLICIES))
    curves = {label: run["stateful"] for label, run in runs.items()}
    title = "Running total: stateful accuracy by window under two reset policies"
    chance = runs["reset at every stream start"]["chance"]
    render_figure(
        plot_runs_by_window(curves, results[0].metric, chance, title, [STATEFUL_COLOR, BROKEN_COLOR])
    )
    stale = results[len(results) // 2]  # "reset only at epoch end", first seed
    config = stale.config
    streams = [group * config.batch_size for group in range(min(3, config.eval_groups))]
    st.markdown(
        "The carried state of the *epoch-end* model while it reads held-out streams: only the first "
        "stream group starts from zero (✕); every later stream starts from the state the previous stream "
        "left behind (○ above zero)."
    )
    render_figure(plot_state_trace(stale.stateful.trace, streams=streams))


PARTS = {
    "epoch_boundary": show_epochs,
    "reset_layers": reset_layers,
    "validation_start": show_validation,
    "epoch_reset": show_policies,
}
