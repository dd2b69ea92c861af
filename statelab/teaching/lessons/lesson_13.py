"""Lesson 13: GRU, SimpleRNN and Bidirectional. Live: each layer's state tensors and reset_state, how far
each layer carries the cue over seeds (trained on request), what a stateful Bidirectional carries, and
one-step forecasting with a GRU."""

from statelab.engine.work import demo_job
from statelab.teaching.judges import judge_carry
from statelab.teaching.layer_claims import STREAM_SEEDS, carry_configs
from statelab.teaching.lessons.lesson import Check, Scale, declare, runs
from statelab.teaching.lessons.lesson_10 import SMALL_FORECAST
from statelab.teaching.presets import PRESETS

STATES = demo_job("state_tensors")
BIDIRECTIONAL = demo_job("bidirectional_carry")
SINGLE_GRU = demo_job("copy_into_single_stream", layer="GRU")
FORECASTS = (demo_job("one_step_forecast"), demo_job("one_step_forecast", layer="gru"))  # lesson 10's LSTM


def carry_runs(scale: Scale) -> list:
    """The carry demo's lab runs at a session's scale: every layer and stream length on its measured seeds
    (60 runs), or, where the scale shrinks runs, the scale's seeds only (shrunk runs share one length)."""
    configs = [config for n_windows in STREAM_SEEDS for config in carry_configs(n_windows)]
    if scale.changes:
        configs = [config for config in configs if config.seed < scale.seeds]
    return list(dict.fromkeys(scale.config(config) for config in configs))


LESSON = declare(
    13,
    checks=[Check("simple_rnn_carry", runs(PRESETS["simple_rnn"].config()), judge_carry, view="comparison")],
    demos={
        "state_tensors": runs(STATES),
        "bidirectional": runs(BIDIRECTIONAL),
        "gru_copy": runs(SINGLE_GRU),
        "gru_forecast": runs(*FORECASTS, small=SMALL_FORECAST),
    },
)
