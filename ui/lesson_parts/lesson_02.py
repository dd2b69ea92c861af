"""How lesson 2's demos and checks are drawn: the layout diagram; fit and friends on a partial last batch."""

import streamlit as st

from statelab.charts.continuity import plot_layout, plot_stateless_windows
from statelab.engine.config import LabConfig
from statelab.engine.layout import batch_layout
from ui.live_results import captured_caption, render_captured, render_figure


def layout() -> None:
    """The layout diagram of a small stateful run, with sizes the learner picks (no training)."""
    batch, windows, groups = st.columns(3)
    batch_size = batch.slider("Batch size (streams side by side)", 2, 8, 4, key="lesson2_batch")
    n_windows = windows.slider("Windows per stream", 2, 6, 3, key="lesson2_windows")
    n_groups = groups.slider("Stream groups", 1, 3, 2, key="lesson2_groups")
    config = LabConfig(batch_size=batch_size, n_windows=n_windows, n_groups=n_groups, epochs=1)
    stateful, stateless = st.tabs(["Stateful: state carries over", "Stateless: every window from zero"])
    with stateful:
        render_figure(plot_layout(batch_layout(config)))
    with stateless:
        render_figure(plot_stateless_windows(n_windows, batch_size))


def show_remainder_one(values: list) -> None:
    """The calls on 21 samples, and whether the extra predictions are the last sample read from every row."""
    value = values[0]
    render_calls(value)
    mismatch = value.get("extra_rows_vs_last_sample")
    if mismatch is not None:
        full, rows = value["samples"] - 1, value["predict"]["value"][0]
        st.markdown(
            f"Predictions {full + 1} to {rows}, against sample {full + 1} predicted from each of the "
            f"{value['batch_size']} rows' states by a batch-1 copy of the model: largest difference "
            f"**{mismatch:.1g}**."
        )
    captured_caption()


def show_partial(values: list) -> None:
    """What Keras said to fit, predict, evaluate and validation on a partial last batch."""
    render_calls(values[0])
    captured_caption()


def render_calls(value: dict) -> None:
    """The four calls on the samples, each with what this Keras answered."""
    samples, batch_size = value["samples"], value["batch_size"]
    calls = {
        "fit": f"model.fit(x, y, batch_size={batch_size}, shuffle=False)",
        "predict": f"model.predict(x, batch_size={batch_size})",
        "evaluate": f"model.evaluate(x, y, batch_size={batch_size})",
        "validation": f"model.fit(x_full, y_full, batch_size={batch_size}, validation_data=(x, y))",
    }
    for name, call in calls.items():
        render_captured(f"{call}  # x: {samples} samples", value[name])


PARTS = {"layout": layout, "partial": show_partial, "partial_one": show_remainder_one}
