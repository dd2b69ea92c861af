"""The teaching claims, as experiments over several seeds with margins that hold for every seed.

Figures measured on 2 cores (seeds 0-5) are in the issue notes; these margins leave room for noise.
"""

from dataclasses import replace

import pytest

from statelab import LabConfig, run_lab, run_model
from statelab.presets import PRESETS

SEEDS = [0, 1, 2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=SEEDS)
def cue(request):
    config = LabConfig(task="cue", seed=request.param)
    return run_lab(config), run_model(replace(config, shuffle=True), "stateful")


def test_cue_stateful_is_near_perfect_on_every_window(cue):
    lab, _ = cue
    assert lab.stateful.accuracy_by_window.min() >= 0.95


def test_cue_stateless_is_near_chance_after_the_first_window(cue):
    lab, _ = cue
    assert lab.stateless.accuracy_by_window[1:].mean() <= 0.65
    assert lab.stateful.score - lab.stateless.score >= 0.3


def test_cue_shuffle_breaks_the_stateful_model(cue):
    # Seed-dependent: on seeds 0-5 the shuffled model scored 0.57, 0.56, 0.79, 0.49, 0.53, 0.53 (the
    # correct one 1.00); seed 2 keeps the cue a few windows. By the last window all are at chance.
    lab, shuffled = cue
    assert shuffled.accuracy_by_window[-1] <= 0.6
    assert lab.stateful.score - shuffled.score >= 0.15


@pytest.mark.parametrize("seed", SEEDS)
def test_running_total_never_reset_leaks_stale_state_into_first_windows(seed):
    config = LabConfig(task="running_total", seed=seed)
    correct = run_model(config, "stateful").accuracy_by_window
    stale = run_model(replace(config, reset="never"), "stateful").accuracy_by_window
    assert correct[0] >= 0.9
    assert correct[0] - stale[0] >= 0.15


@pytest.mark.parametrize("seed", SEEDS)
def test_control_stateless_does_as_well_as_stateful(seed):
    lab = run_lab(LabConfig(task="control", seed=seed))
    assert lab.stateless.score >= 0.85 and lab.stateful.score >= 0.85
    assert abs(lab.stateful.score - lab.stateless.score) <= 0.05


ARTICLE = {
    "article_binary": dict(batch_size=10, timesteps=50, units=64, n_windows=4, n_groups=8, eval_groups=8),
    "article_multiclass": dict(
        batch_size=20, timesteps=30, units=128, n_windows=4, n_groups=4, eval_groups=8
    ),
    "article_seq2seq": dict(batch_size=5, timesteps=20, units=32, n_windows=4, n_groups=16, eval_groups=16),
}


@pytest.mark.parametrize("task", list(ARTICLE))
@pytest.mark.parametrize("seed", SEEDS)
def test_random_labels_teach_nothing(task, seed):
    lab = run_lab(LabConfig(task=task, seed=seed, epochs=5, **ARTICLE[task]))
    for model in (lab.stateful, lab.stateless):
        if model.metric == "accuracy":
            assert model.score <= lab.chance + 0.06
        else:
            assert model.score >= 0.95 * lab.chance


@pytest.mark.parametrize("seed", SEEDS)
def test_forecast_both_learn_and_state_helps_a_little(seed):
    # The forecast preset's claim; measured on seeds 0-2: stateful 0.034-0.035, stateless 0.038-0.039.
    lab = run_lab(PRESETS["forecast"].config(LabConfig(seed=seed)))
    assert max(lab.stateful.score, lab.stateless.score) < 0.1 * lab.chance
    assert lab.stateful.score < 0.97 * lab.stateless.score
