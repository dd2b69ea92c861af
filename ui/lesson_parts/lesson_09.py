"""How lesson 9's demos and checks are drawn: what the state reads under each window layout, sliding
windows over seeds, the layout function on a series of your length, fit without batch_size."""

import numpy as np
import streamlit as st

from statelab.charts.lab import BROKEN_COLOR, STATEFUL_COLOR, STATELESS_COLOR, plot_runs_by_window
from statelab.charts.practice_figures import plot_steps_read
from statelab.teaching.keras_facts_resets import lesson_code
from statelab.teaching.lessons.lesson_09 import LAST_WINDOWS
from ui.live_results import captured_caption, render_captured, render_figure

COLORS = [STATEFUL_COLOR, BROKEN_COLOR, STATELESS_COLOR]


def show_carry(values: list) -> None:
    """Steps read and the distance to the single call's state, per layout, and the reads per step."""
    value = values[0]
    columns = st.columns(2)
    for column, name in zip(columns, ("consecutive", "sliding"), strict=True):
        layout = value[name]
        column.metric(
            f"{name}: {layout['windows']} windows",
            f"{layout['vs_whole_stream']:.3g}",
            help="Largest difference between the final state and the single call's state.",
        )
        column.caption(f"Steps read: {layout['steps_read']} of a {value['length']}-step stream.")
    render_figure(plot_steps_read(value["length"], value["timesteps"]))
    captured_caption()


def show_sliding(values: list) -> None:
    """Held-out accuracy by window of each layout, every seed's range shown."""
    value = values[0]
    title = "Running total: held-out accuracy by window, per window layout"
    note = f"the check compares the last {LAST_WINDOWS} windows"
    render_figure(plot_runs_by_window(value["accuracy"], "accuracy", None, title, COLORS, note=note))
    rows = {
        layout: ", ".join(f"{score:.0%}" for score in accuracy[:, -LAST_WINDOWS:].mean(axis=1))
        for layout, accuracy in value["accuracy"].items()
    }
    seeds = ", ".join(map(str, value["seeds"]))
    st.markdown(
        f"Last {LAST_WINDOWS} windows, seeds {seeds}: "
        + "; ".join(f"**{layout}** {scores}" for layout, scores in rows.items())
        + "."
    )


def layout_explorer() -> None:
    """The lesson's stateful_windows on 0, 1, 2, ... so the values show where each step went."""
    length, batch, steps = st.columns(3)
    size = length.slider("Series length", 20, 400, 103, key="lesson9_length")
    batch_size = batch.slider("batch_size (streams)", 1, 8, 3, key="lesson9_batch")
    timesteps = steps.slider("timesteps", 2, 20, 8, key="lesson9_timesteps")
    try:
        x, y = lesson_code("prepare_series").stateful_windows(np.arange(size), batch_size, timesteps)
    except ValueError as error:
        st.warning(str(error), icon=":material/warning:")
        return
    st.markdown(
        f"x and y have shape **{x.shape}**: {len(x) // batch_size} batches of {batch_size} streams. "
        f"Each stream is {(size - 1) // batch_size} steps long and keeps {x.size // batch_size} (whole "
        f"windows only), so **{size - x.size}** of the {size} values are never an input."
    )
    for batch_index in range(min(2, len(x) // batch_size)):
        rows = x[batch_index * batch_size : (batch_index + 1) * batch_size, :, 0].astype(int)
        st.caption(f"Batch {batch_index + 1}, x (value = position in the series), one row per stream:")
        st.code("\n".join(" ".join(f"{v:3d}" for v in row) for row in rows), language="text")
    st.caption(f"y of batch 1, row 1: {' '.join(str(int(v)) for v in y[0, :, 0])} (each next value).")


def show_default_batch(values: list) -> None:
    """The calls without and with batch_size, and what this Keras did with each."""
    value = values[0]
    setup = (f"model = ...  # keras.Input(batch_shape=({value['batch_size']}, 5, 1)), compiled",)
    render_captured("model.fit(x, y, epochs=1, shuffle=False)", value["fit_default"], setup)
    render_captured("model.predict(x).shape", value["predict_default"])
    render_captured("model.evaluate(x, y)", value["evaluate_default"])
    size = value["batch_size"]
    fit_call = f"model.fit(x, y, batch_size={size}, epochs=1, shuffle=False)"
    render_captured(fit_call, value["fit_after_failed_fit"])
    rebuilt = (f"model = ...  # built and compiled again: keras.Input(batch_shape=({size}, 5, 1))",)
    render_captured(fit_call, value["fit_with_batch_size"], rebuilt)
    render_captured(f"model.predict(x, batch_size={size}).shape", value["predict_with_batch_size"])
    captured_caption()


PARTS = {
    "window_carry": show_carry,
    "sliding_learning": show_sliding,
    "layout_explorer": layout_explorer,
    "default_batch": show_default_batch,
}
