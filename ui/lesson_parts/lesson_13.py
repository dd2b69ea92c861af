"""How lesson 13's demos are drawn: each layer's state tensors, the carry runs over seeds (trained when
asked: 60 runs), the stateful Bidirectional against a whole-stream reading, the GRU's forecast."""

import numpy as np
import streamlit as st

from statelab.charts.layers import plot_carry
from statelab.teaching.layer_claims import carry_table
from statelab.teaching.lessons.lesson_13 import carry_runs
from ui.live_results import (
    await_results,
    cached_or_asked,
    captured_caption,
    render_captured,
    render_figure,
    session_scale,
)

ROUNDING = 1e-6  # a difference this small between two models' outputs is float rounding, not a mismatch


def numbers(values: list[float]) -> str:
    """Sizes of state tensors, as "0.47, 0.98"."""
    return ", ".join(f"{value:.2f}" for value in values)


def state_tensors(values: list) -> None:
    """A table: each layer's state tensors, their size after a batch and after reset_state(), and more."""
    rows = [
        "| layer | state tensors | ‖·‖ after a batch | after `reset_state()` | `return_state=True` returns |",
        "|---|---|---|---|---|",
    ]
    layers = values[0]["layers"]
    for name, value in layers.items():
        tensors = f"{len(value['shapes'])} of {value['shapes'][0]}"
        after = f"{numbers(value['after_batch'])} | {numbers(value['after_reset'])}"
        rows.append(f"| `{name}` | {tensors} | {after} | output + {value['return_state_outputs'] - 1} |")
    st.markdown("\n".join(rows))
    render_captured("h, c = gru.states", layers["GRU"]["unpack_h_c"])
    render_captured("h, c = bidirectional_lstm.states", layers["Bidirectional(LSTM)"]["unpack_h_c"])
    render_captured(
        "h, c = bidirectional_gru.states; [h.path, c.path]", layers["Bidirectional(GRU)"]["unpack_h_c"]
    )
    st.markdown(
        "The last one raises nothing: a `Bidirectional(GRU)` keeps two tensors, the forward *h* and the "
        "backward *h*, and the LSTM idiom quietly calls the backward one *c*."
    )
    captured_caption()


def carry() -> None:
    """Every layer and stream length over its seeds: kept the cue in every window, or collapsed."""
    works = carry_runs(session_scale())
    ask = f"Train these {len(works)} runs (minutes, unless someone trained them already)"
    note = "Every layer and stream length, seed by seed, with the Lab's engine; each run is then cached."
    if not cached_or_asked(works, "lesson13_carry", ask, note):
        return
    labels = [f"{config.layer}, {config.n_windows} windows, seed {config.seed}" for config in works]
    results = await_results(works, labels)
    if results is None:
        return
    render_figure(plot_carry(carry_table(results), works[0].timesteps))
    st.caption("To look at one run, set its layer, windows per stream and seed in the Lab.")


def bidirectional(values: list) -> None:
    """How the stateful Bidirectional's two directions compare with a whole-stream reading."""
    value = values[0]
    st.markdown(
        f"- `Bidirectional(LSTM(3, stateful=True))`: stateful **{value['stateful']}**, "
        f"**{value['state_tensors']}** state tensors.\n"
        f"- Forward outputs, window by window against the whole stream: largest difference "
        f"**{value['forward_vs_whole']:.3g}**.\n"
        f"- Backward outputs, window by window against the whole stream: "
        f"**{value['backward_vs_whole']:.3g}**.\n"
        f"- Window 2's backward outputs against window 2 read backwards from the state the backward pass "
        f"ended window 1 with (‖h‖ = {value['carried_backward_norm']:.3f}): "
        f"**{value['backward_vs_carried_start']:.3g}**; from a zero state instead: "
        f"{value['backward_vs_zero_start']:.3g}.\n"
        f"- Whole-stream reading: window 1's backward outputs move by "
        f"**{value['whole_window_1_sees_window_2']:.3g}** when window 2 changes. In the stateful model, "
        "window 1 is computed before window 2 arrives."
    )
    captured_caption()


def gru_copy(values: list) -> None:
    """Lesson 10's copy recipe with a GRU: the weights, stepping one value at a time, a copied state row."""
    single = values[0]
    copied = "accepted" if single["copied"]["ok"] else f"refused: {single['copied']['message']}"
    st.markdown(
        f"- `single.set_weights(stateless.get_weights())` into a `(1, None, 1)` stateful GRU: **{copied}**; "
        f"20 one-step calls against the stateless GRU on the whole history: "
        f"**{single['stepwise_vs_stateless']:.3g}**.\n"
        f"- A batch-4 GRU's row 2 ({single['state_tensors']} state tensor) copied into it, by a loop over "
        f"`layer.states`: next window off by **{single['row_continued']:.3g}**"
        f"{' (float rounding)' if 0 < single['row_continued'] < ROUNDING else ''}."
    )
    captured_caption()


def gru_forecast(values: list) -> None:
    """The CO2 forecast error per seed with the LSTM and the GRU, beside the baselines."""
    lstm, gru = values
    rows = ["| forecast of the held-out weeks | error, seed by seed |", "|---|---|"]
    for name, value in (("LSTM", lstm), ("GRU", gru)):
        rows.append(f"| {name} | {', '.join(f'{error:.3f}' for error in value['model_error'])} |")
    rows += [
        f"| same week a year earlier | {gru['seasonal_error']:.3f} |",
        f"| persistence (next = this week) | {gru['persistence_error']:.3f} |",
        f"| always the mean | {gru['mean_error']:.3f} |",
    ]
    st.markdown("\n".join(rows))
    st.markdown(forecast_summary(lstm, gru))
    captured_caption()


def forecast_summary(lstm: dict, gru: dict) -> str:
    """What the forecast table shows, in words computed from it."""
    worse = int(np.sum(gru["model_error"] > lstm["model_error"]))
    seasonal = gru["seasonal_error"]
    seeds = ", ".join(map(str, gru["seeds"]))
    parts = [f"Over seeds {seeds} the GRU's error was above the LSTM's on {worse}."]
    for name, value in (("LSTM", lstm), ("GRU", gru)):
        errors = value["model_error"]
        persistence = "beat" if np.all(errors < value["persistence_error"]) else "did not always beat"
        if np.all(errors < seasonal):
            last_year = "beat"
        else:
            last_year = "did not beat" if np.all(errors >= seasonal) else "sometimes beat"
        parts.append(f"The {name} {persistence} persistence and {last_year} the same week a year earlier.")
    return " ".join(parts)


PARTS = {
    "state_tensors": state_tensors,
    "carry": carry,
    "bidirectional": bidirectional,
    "gru_copy": gru_copy,
    "gru_forecast": gru_forecast,
}
