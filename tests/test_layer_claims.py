"""How far each recurrent layer carries the cue, over seeds: what the lesson and the SimpleRNN preset say.

Measured with the fused engine (bit-for-bit deterministic on one machine), the cue task with the correct
setup, seeds kept / collapsed:
                        where first measured (AVX2)          AMD EPYC with AVX-512
  8 windows, seeds 0-9:  LSTM 10, GRU 9 (8), SimpleRNN 10       LSTM 10, GRU 9 (8), SimpleRNN 9 (1)
  16 windows, seeds 0-4: LSTM 1 (0 1 3 4), GRU 5, SimpleRNN 5   LSTM 0 (0 1 3 4; seed 2 kept 5 windows,
                                                               then faded), GRU 5, SimpleRNN 5
  32 windows, seeds 0-4: LSTM 0 (all), GRU 5, SimpleRNN 4 (4)    LSTM 1 (1-4), GRU 5, SimpleRNN 3 (1 4)
Which seeds collapse changes with the CPU (sums rounded in another order); lesson 13 gives the counts that
held on both, and these tests assert those counts rather than which seeds (one example aside: the GRU's
seed 8, which collapsed on both).
"""

from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from run_cache import lab

from statelab import LabResult, run_model
from statelab.engine.config import LabConfig
from statelab.engine.data import make_lab_data
from statelab.engine.results import ModelResult
from statelab.engine.scoring import chance_level
from statelab.teaching.judges import beats, collapsed_seeds, judge_carry
from statelab.teaching.layer_claims import STREAM_SEEDS, carry_configs, carry_outcome, carry_table

pytestmark = pytest.mark.slow

# windows per stream -> layer -> (fewest, most) seeds on which the stateful model kept the cue: lesson 13's
# "on at least 9 of the 10 seeds", "the LSTM kept the cue on at most 1 seed of 5 ...; the GRU kept it on all
# 5 at both lengths, the SimpleRNN on at least 3"
KEPT_SEEDS = {
    8: {"lstm": (9, 10), "gru": (9, 10), "simple_rnn": (9, 10)},
    16: {"lstm": (0, 1), "gru": (5, 5), "simple_rnn": (3, 5)},
    32: {"lstm": (0, 1), "gru": (5, 5), "simple_rnn": (3, 5)},
}


@dataclass(frozen=True)
class StatefulRun:
    """A run whose stateless twin is not trained: what `carry_outcome` and `carry_table` read of a run."""

    config: LabConfig
    stateful: ModelResult
    chance: float


def stateful_run(config: LabConfig) -> StatefulRun:
    """The stateful model of a config, trained as `run_lab` trains it (the same numbers bit for bit)."""
    data = make_lab_data(config)
    return StatefulRun(config, run_model(config, "stateful", data=data), chance_level(data.spec, data.eval_y))


@cache
def runs(n_windows: int) -> tuple[LabResult | StatefulRun, ...]:
    """Every layer's runs of one stream length, on its measured seeds. At 8 windows both models (through
    the test run's cache: the tests below read the SimpleRNN's and the GRU's stateless twins too); the
    longer streams' claims read the stateful model only, so their stateless twins (half of the training,
    at two and four times the default stream's length) are not trained."""
    if n_windows == 8:
        return tuple(lab(config) for config in carry_configs(n_windows))
    return tuple(stateful_run(config) for config in carry_configs(n_windows))


@pytest.mark.parametrize("n_windows", list(STREAM_SEEDS))
def test_each_layer_keeps_the_cue_on_as_many_seeds_as_the_lesson_says(n_windows):
    table = carry_table(list(runs(n_windows)))
    for layer, (fewest, most) in KEPT_SEEDS[n_windows].items():
        outcomes = list(table[layer][n_windows].values())
        assert fewest <= outcomes.count("kept") <= most, (layer, table[layer][n_windows])
    if n_windows > 8:  # "... and collapsed on most of the others"
        assert list(table["lstm"][n_windows].values()).count("collapsed") >= 3, table["lstm"]


@pytest.mark.parametrize("n_windows", list(STREAM_SEEDS))
def test_the_outcomes_hold_with_margins(n_windows):
    """Kept: right in every window; collapsed: one answer for every stream, at or below the constant guess;
    "nearly every run that did not keep the cue collapsed": at most one run per stream length did neither."""
    outcomes = [carry_outcome(run) for run in runs(n_windows)]
    for run, outcome in zip(runs(n_windows), outcomes, strict=True):
        scores = run.stateful.accuracy_by_window
        if outcome == "kept":
            assert scores.min() >= 0.99, run.config  # well above the 0.95 that counts as kept
        elif outcome == "collapsed":
            assert np.ptp(scores) == 0 and scores.max() <= run.chance + 0.01, run.config
            assert len(np.unique(run.stateful.predictions > 0.5)) == 1, run.config
    assert outcomes.count("other") <= 1, outcomes


def test_the_simple_rnn_knows_the_cue_in_every_window_and_its_stateless_twin_collapses_on_some_seeds():
    simple = [run for run in runs(8) if run.config.layer == "simple_rnn"]
    carried = [judge_carry([run]) for run in simple]
    assert carried.count("every") >= 9 and set(carried) <= {"every", "none"}, carried
    assert judge_carry(simple) == "every"  # over the seeds: what most showed
    collapsed = collapsed_seeds(simple, "stateless")
    assert collapsed, "the preset says the stateless SimpleRNN collapsed on some seeds"
    for run in simple:
        if run.config.seed in collapsed:  # "at the constant guess even in window 1"
            assert not beats(run.stateless.accuracy_by_window[0], run.chance, "accuracy"), run.config


def test_the_gru_collapse_is_below_the_constant_guess_and_the_stateless_gru_still_learned_window_1():
    (seed_8,) = [run for run in runs(8) if run.config == LabConfig(layer="gru", seed=8)]
    assert seed_8.stateful.accuracy_by_window.max() < seed_8.chance - 0.05  # 47 % against 53 %
    assert seed_8.stateless.accuracy_by_window[0] >= 0.99
    assert judge_carry([seed_8]) == "none"
