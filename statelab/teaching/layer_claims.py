"""How far each recurrent layer carries the cue: the runs, how one run is read, and the check's judge.

The cue task with the correct setup, for the LSTM, the GRU and the SimpleRNN: the default streams
(8 windows of 10 steps) on seeds 0-9, and longer streams (16 and 32 windows) on seeds 0-4. A run
either keeps the cue (the stateful model right in every held-out window) or its training collapses
to a constant answer (the same score in every window, no better than the constant guess). The
lesson's check and the SimpleRNN preset are judged by `statelab.teaching.judges.judge_carry`.
tests/test_layer_claims.py runs them all and asserts what the lesson says.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from statelab.engine.config import LAYERS, LabConfig
from statelab.engine.results import LabResult
from statelab.teaching.judges import beats

STREAM_SEEDS = {8: range(10), 16: range(5), 32: range(5)}  # windows per stream -> the seeds measured
KEPT = 0.95  # right in every window at least this often: the run kept the cue
CONSTANT = 0.02  # scores this close in every window: one answer whatever the stream


def carry_configs(n_windows: int) -> list[LabConfig]:
    """The runs of one stream length: every layer on its measured seeds, the correct setup otherwise."""
    return [
        replace(LabConfig(), layer=layer, n_windows=n_windows, seed=seed)
        for layer in LAYERS
        for seed in STREAM_SEEDS[n_windows]
    ]


def carry_outcome(result: LabResult) -> str:
    """What one run's stateful model did: "kept" the cue, "collapsed" to a constant answer, or "other"."""
    scores = result.stateful.accuracy_by_window
    if scores.min() >= KEPT:
        return "kept"
    if np.ptp(scores) <= CONSTANT and not beats(float(scores.max()), result.chance, "accuracy"):
        return "collapsed"
    return "other"


def carry_table(results: list[LabResult]) -> dict[str, dict[int, dict[int, str]]]:
    """layer -> windows per stream -> seed -> outcome, over any runs of `carry_configs`."""
    table: dict[str, dict[int, dict[int, str]]] = {layer: {} for layer in LAYERS}
    for result in results:
        config = result.config
        table[config.layer].setdefault(config.n_windows, {})[config.seed] = carry_outcome(result)
    return table
