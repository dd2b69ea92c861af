"""Lesson 13: GRU, SimpleRNN and Bidirectional. Live: each layer's state tensors and reset_state, how
far each layer carries the cue over seeds, what a stateful Bidirectional carries, one-step forecasting
with a GRU."""

import numpy as np
import streamlit as st

from statelab.claims import judge_carry
from statelab.layer_charts import plot_carry
from statelab.layer_claims import STREAM_SEEDS, carry_configs, carry_table
from statelab.presets import PRESETS
from ui.demos import (
    await_results,
    cached_or_asked,
    captured_caption,
    demo_job,
    lesson_seeds,
    render_captured,
    render_comparison,
    render_figure,
)
from ui.lessons import OVERRIDES_KEY, Check, lesson_config, lesson_demo_job, render_lesson

STATES = demo_job("state_tensors")
BIDIRECTIONAL = demo_job("bidirectional_carry")
SINGLE_GRU = demo_job("copy_into_single_stream", layer="GRU")
SHRUNK = bool(st.session_state.get(OVERRIDES_KEY))  # tests shrink lesson runs: then fewer seeds too
CARRY = list(
    dict.fromkeys(  # shrunk runs share one stream length
        lesson_config(config)
        for n_windows in STREAM_SEEDS
        for config in carry_configs(n_windows)
        if not SHRUNK or config.seed < lesson_seeds()
    )
)
TINY_FORECAST = {"epochs": 1, "seeds": (0, 1), "origins": 2}  # lesson 10's: the LSTM run is shared
FORECASTS = {
    layer: lesson_demo_job("one_step_forecast", TINY_FORECAST, layer=layer) for layer in ("lstm", "gru")
}
SIMPLE_RNN = lesson_config(PRESETS["simple_rnn"].config())


def numbers(values: list[float]) -> str:
    """Sizes of state tensors, as "0.47, 0.98"."""
    return ", ".join(f"{value:.2f}" for value in values)


def state_tensors() -> None:
    """A table: each layer's state tensors, their size after a batch and after reset_state(), and more."""
    values = await_results([STATES])
    if values is None:
        return
    rows = [
        "| layer | state tensors | ‖·‖ after a batch | after `reset_state()` | `return_state=True` returns |",
        "|---|---|---|---|---|",
    ]
    for name, value in values[0]["layers"].items():
        tensors = f"{len(value['shapes'])} of {value['shapes'][0]}"
        after = f"{numbers(value['after_batch'])} | {numbers(value['after_reset'])}"
        rows.append(f"| `{name}` | {tensors} | {after} | output + {value['return_state_outputs'] - 1} |")
    st.markdown("\n".join(rows))
    layers = values[0]["layers"]
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
    ask = f"Train these {len(CARRY)} runs (minutes, unless a class trained them already)"
    note = "Every layer and stream length, seed by seed, with the Lab's engine; each run is then cached."
    if not cached_or_asked(CARRY, "lesson13_carry", ask, note):
        return
    labels = [f"{config.layer}, {config.n_windows} windows, seed {config.seed}" for config in CARRY]
    results = await_results(CARRY, labels)
    if results is None:
        return
    render_figure(plot_carry(carry_table(results), CARRY[0].timesteps))
    st.caption("To look at one run, set its layer, windows per stream and seed in the Lab.")


def bidirectional() -> None:
    """How the stateful Bidirectional's two directions compare with a whole-stream reading."""
    values = await_results([BIDIRECTIONAL])
    if values is None:
        return
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


def gru_forecast() -> None:
    """The copy recipe with a GRU, and its CO2 forecast error per seed beside the LSTM's and the baselines."""
    values = await_results([SINGLE_GRU, *FORECASTS.values()], ["GRU copy", "LSTM forecast", "GRU forecast"])
    if values is None:
        return
    single, lstm, gru = values
    copied = "accepted" if single["copied"]["ok"] else f"refused: {single['copied']['message']}"
    st.markdown(
        f"- `single.set_weights(stateless.get_weights())` into a `(1, None, 1)` stateful GRU: **{copied}**; "
        f"20 one-step calls against the stateless GRU on the whole history: "
        f"**{single['stepwise_vs_stateless']:.3g}**.\n"
        f"- A batch-4 GRU's row 2 ({single['state_tensors']} state tensor) copied into it, by a loop over "
        f"`layer.states`: next window off by **{single['row_continued']:.3g}**."
    )
    rows = ["| forecast of 26 held-out weeks | error, seed by seed |", "|---|---|"]
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
    parts = [
        f"Over seeds {', '.join(map(str, gru['seeds']))} the GRU's error was above the LSTM's on {worse}."
    ]
    for name, value in (("LSTM", lstm), ("GRU", gru)):
        errors = value["model_error"]
        persistence = "beat" if np.all(errors < value["persistence_error"]) else "did not always beat"
        last_year = (
            "beat"
            if np.all(errors < seasonal)
            else "did not beat"
            if np.all(errors >= seasonal)
            else "sometimes beat"
        )
        parts.append(f"The {name} {persistence} persistence and {last_year} the same week a year earlier.")
    return " ".join(parts)


render_lesson(
    13,
    demos={
        "state_tensors": state_tensors,
        "carry": carry,
        "bidirectional": bidirectional,
        "gru_forecast": gru_forecast,
    },
    checks={"simple_rnn_carry": Check([SIMPLE_RNN], judge_carry, render_comparison)},
)
