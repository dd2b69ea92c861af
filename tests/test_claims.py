"""The teaching claims, as experiments over several seeds with margins that hold for every seed.

Each preset's outcome (the option its question offers) and verdict, and each lesson check's outcome,
are what the real runs show on seeds 0-2. The figures behind the texts are in the presets' expectations.
"""

from dataclasses import replace

import pytest
from run_cache import lab

from statelab import LabConfig, LabResult
from statelab.teaching.judges import ERROR_RATIO, HIGH_ACCURACY, beats, collapsed_seeds, preset_outcome
from statelab.teaching.lessons import Scale, all_lessons
from statelab.teaching.limits import training_warnings
from statelab.teaching.presets import PRESETS
from statelab.teaching.verdict import verdict

SEEDS = [0, 1, 2]
pytestmark = pytest.mark.slow


def preset_runs(preset_id: str) -> list[LabResult]:
    """A preset's runs on SEEDS."""
    return [lab(PRESETS[preset_id].config(LabConfig(seed=seed))) for seed in SEEDS]


# preset -> (the outcome each seed may show, the outcome over the seeds, words its verdict must hold)
PRESET_CLAIMS = {
    "correct": ({"first"}, "first", "the carried state supplies the rest"),
    # the reason, whether the verdict leads with a collapse (seed 2 here: 56 % in window 1) or not
    "shuffle_on": ({"chance"}, "chance", "shuffle=True sends each row's state to a window of another stream"),
    "shuffle_batch": (
        {"high", "between", "chance"},
        "depends",
        "what the broken state costs depends on the seed",
    ),
    "never_reset": ({"collapse", "like_stateless"}, "collapse", "training collapsed"),
    "epoch_reset": ({"collapse", "like_stateless"}, "collapse", "training collapsed"),
    "batch_reset": ({"equal"}, "equal", "gains nothing from its state, because resetting before every batch"),
    "running_total_never": ({"worse", "same"}, "worse", ""),
    "control": ({"equal"}, "equal", "about equal"),
    "article_binary": ({"chance"}, "chance", "the labels are random"),
    "article_multiclass": ({"chance"}, "chance", "the labels are random"),
    "article_seq2seq": ({"chance"}, "chance", "The targets are noise"),
    "forecast": ({"beat_persistence"}, "beat_persistence", "and the seasonal naive forecast"),
    # the stateful SimpleRNN kept the cue on seeds 0-2 where first measured; on an AMD EPYC with AVX-512 its
    # training collapsed on seed 1 (42 % in every window), which the verdict names
    "simple_rnn": ({"every", "none"}, "every", "the stateless model's training collapsed on seed"),
}
CARRIED = {"correct", "simple_rnn"}  # the presets whose stateful model carries the cue to every window


def test_every_preset_has_a_claim_and_its_outcomes_are_options():
    assert PRESET_CLAIMS.keys() == PRESETS.keys()
    for preset_id, (per_seed, over_seeds, _) in PRESET_CLAIMS.items():
        assert per_seed | {over_seeds} <= PRESETS[preset_id].options.keys(), preset_id


@pytest.mark.parametrize("preset_id", list(PRESETS))
def test_each_preset_shows_what_its_expectation_says(preset_id):
    per_seed, over_seeds, words = PRESET_CLAIMS[preset_id]
    runs = preset_runs(preset_id)
    assert {preset_outcome(preset_id, [run]) for run in runs} <= per_seed
    assert preset_outcome(preset_id, runs) == over_seeds
    text = verdict(runs)
    assert words in text, text
    assert ("the carried state supplies the rest" in text) == (preset_id in CARRIED), text


def test_resets_that_skip_stream_starts_collapse_training_on_most_seeds():
    # Which seeds collapse depends on the machine (seeds 0-4, never resetting: 0, 1 and 4 where first
    # measured, 1, 2 and 4 on an AMD EPYC with AVX2); the presets' words say "on three of the five seeds" and
    # "two to four", never which ones.
    for preset_id in ("never_reset", "epoch_reset"):
        assert len(collapsed_seeds(preset_runs(preset_id), "stateful")) >= 2, preset_id


def test_cue_stateful_is_near_perfect_on_every_window():
    for run in preset_runs("correct"):
        assert run.stateful.accuracy_by_window.min() >= 0.95


def test_cue_shuffle_breaks_the_stateful_model_by_the_last_window():
    for correct, shuffled in zip(preset_runs("correct"), preset_runs("shuffle_on"), strict=True):
        assert shuffled.stateful.accuracy_by_window[-1] <= shuffled.chance
        assert correct.stateful.score - shuffled.stateful.score >= 0.15


def leading_windows_kept(run: LabResult) -> int:
    """How many windows from a stream's start the stateful model stays at 90 % or more."""
    below = run.stateful.by_window < HIGH_ACCURACY
    return int(below.argmax()) if below.any() else len(below)


def test_how_long_shuffled_training_keeps_the_cue_depends_on_the_seed():
    # Lesson 3: "measured over five seeds, it held the cue for two windows at most, and on some seeds it
    # never learned it, not even in window 1". Windows kept from the start: 2 1 0 on seeds 0-2 where first
    # measured (AVX2; seed 2 at 56 % in window 1); 1 1 1 1 0 on seeds 0-4 on an AMD EPYC with AVX-512
    # (seed 4: 61 % in window 1, the guess 55 %). Which seed does what changes with the CPU; that it
    # depends on the seed did not.
    runs = [lab(PRESETS["shuffle_on"].config(LabConfig(seed=seed))) for seed in range(5)]
    kept = [leading_windows_kept(run) for run in runs]
    assert max(kept) <= 2 and len(set(kept)) >= 2, kept
    assert any(not beats(run.stateful.by_window[0], run.chance, "accuracy") for run in runs), kept


def test_shuffle_batch_costs_the_cue_on_some_seeds_only():
    # Lesson 3 and the preset: "kept the cue in every window on two of the five seeds; on two or more it was
    # down to the constant guess by the last window". Stateful by window, seeds 0-4, where first measured:
    # 100 100 94 98 98 95 94 98; 100 100 100 100 98 98 98 98; 100 98 48 47 ... (guess 52); 62 62 59 64 56 59
    # 62 59 (guess 55); 100 67 83 ... 89. On an AMD EPYC with AVX-512: 100 in every window on seeds 0 and 3;
    # 100 then 42 on seed 1 (guess 58); 100 then 48-55 on seed 2 (guess 52); 45 everywhere on seed 4.
    runs = [lab(PRESETS["shuffle_batch"].config(LabConfig(seed=seed))) for seed in range(5)]
    kept = [bool(run.stateful.by_window.min() >= HIGH_ACCURACY) for run in runs]
    lost = [not beats(run.stateful.by_window[-1], run.chance, "accuracy") for run in runs]
    assert sum(kept) == 2 and sum(lost) >= 2, (kept, lost)
    assert preset_outcome("shuffle_batch", runs) == "depends"


def test_running_total_never_reset_leaks_stale_state_into_first_windows():
    for seed, stale in zip(SEEDS, preset_runs("running_total_never"), strict=True):
        correct = lab(LabConfig(task="running_total", seed=seed)).stateful.accuracy_by_window
        assert correct[0] >= 0.9
        assert correct[0] - stale.stateful.accuracy_by_window[0] >= 0.15


def test_control_stateless_does_as_well_as_stateful():
    for run in preset_runs("control"):
        assert run.stateless.score >= 0.85 and run.stateful.score >= 0.85
        assert abs(run.stateful.score - run.stateless.score) <= 0.05


def test_without_the_cue_in_view_the_stateless_model_is_no_better_than_the_guess():
    # Lesson 1 (issue 22, item 4): "right half of the time" was printed above a chart at 45 % under a 55 %
    # guess line; it now says "at the constant-guess line or below it". Default run, seed 0: 46 % vs 55 %.
    for run in preset_runs("correct"):
        assert not beats(float(run.stateless.by_window[1:].mean()), run.chance, "accuracy")


def test_control_windows_differ_by_a_few_points_either_way():
    # Issue 22, item 8 (lesson 8): "the same accuracy in every window" was too strong. Measured, seeds 0-2:
    # largest per-window gaps 4.7, 9.4 (seed 1, window 7: 83 vs 92 %) and 7.8 points, in both directions.
    gaps = [run.stateful.by_window - run.stateless.by_window for run in preset_runs("control")]
    assert all(gap.max() > 0 and gap.min() < 0 for gap in gaps)
    assert 0.05 < max(float(abs(gap).max()) for gap in gaps) < 0.12


def test_co2_forecast_on_later_years_beats_persistence_and_state_helps():
    for run in preset_runs("forecast"):
        assert run.held_out_values >= 400
        assert max(run.stateful.score, run.stateless.score) < ERROR_RATIO * run.persistence
        # one week ahead, last week beats the same week a year earlier (0.147-0.164 on seeds 0-4)
        assert run.period == 52 and run.persistence < ERROR_RATIO * run.seasonal
        assert max(run.stateful.score, run.stateless.score) < ERROR_RATIO * run.seasonal
        assert run.stateful.score < run.stateless.score


# The lessons' lab-run checks, each seed alone: the outcome each lesson explains as what happens is its
# answer key (a check whose answer counts over seeds, lesson 12's, is run in test_practice)
LAB_RUN_CHECKS = {
    check.id: check
    for lesson in all_lessons()
    for check in lesson.checks
    if check.lab_runs and check.per_seed
}


def test_every_lab_run_check_has_a_judge_and_an_outcome_the_lesson_offers():
    assert {
        "cue",
        "shuffle_cue",
        "epoch_reset",
        "random_labels",
        "control",
        "simple_rnn_carry",
    } <= LAB_RUN_CHECKS.keys()
    for check_id, check in LAB_RUN_CHECKS.items():
        assert callable(check.judge) and check.answer in check.options, check_id


# Checks whose lesson says that one run's training may collapse (its "if:" text for that outcome says so,
# and that the answer held on most seeds): lesson 13's SimpleRNN collapsed on seed 1 on an AMD EPYC with
# AVX-512, not where first measured. Such a check shows its answer on the run the lesson trains and on
# most seeds.
MAY_COLLAPSE = {"simple_rnn_carry": "none"}


def check_outcome(check_id: str, seed: int | None = None) -> str:
    """What a check's judge says of its runs at full size on one seed (None: the seed the lesson trains)."""
    check = LAB_RUN_CHECKS[check_id]
    configs, _ = check.runs.at(Scale(seeds=1))  # full size, one seed
    return check.judge([lab(config if seed is None else replace(config, seed=seed)) for config in configs])


@pytest.mark.parametrize("check_id", list(LAB_RUN_CHECKS))
@pytest.mark.parametrize("seed", SEEDS)
def test_each_lab_run_check_shows_the_outcome_its_lesson_explains(check_id, seed):
    answer = LAB_RUN_CHECKS[check_id].answer
    assert check_outcome(check_id, seed) in {answer, MAY_COLLAPSE.get(check_id, answer)}


@pytest.mark.parametrize("check_id", list(MAY_COLLAPSE))
def test_a_check_whose_training_may_collapse_shows_its_answer_on_its_own_run_and_most_seeds(check_id):
    check = LAB_RUN_CHECKS[check_id]
    assert check_outcome(check_id) == check.answer  # the run the lesson trains
    outcomes = [check_outcome(check_id, seed) for seed in SEEDS]
    assert outcomes.count(check.answer) > len(SEEDS) / 2, outcomes


# Issue 10, point 3: the cue task over the form's ranges, one setting at a time from the defaults.
INSIDE_LIMITS = [
    {"batch_size": 32},
    {"batch_size": 8, "n_groups": 32},
    {"timesteps": 5},
    {"n_windows": 4},
    {"n_groups": 8},
    {"n_groups": 32},
    {"units": 64},
    {"epochs": 20},
    {"learning_rate": 0.005},
]
OUTSIDE_LIMITS = [
    {"batch_size": 8},
    {"batch_size": 4},
    {"timesteps": 15},
    {"timesteps": 20},
    {"n_windows": 16},
    {"units": 8},
    {"epochs": 5},
    {"learning_rate": 0.02},
]


def kept_the_cue(run: LabResult) -> bool:
    """Whether the stateful model knew the cue in every held-out window."""
    return bool(run.stateful.accuracy_by_window.min() >= 0.95)


@pytest.mark.parametrize("changes", INSIDE_LIMITS, ids=str)
def test_the_cue_task_learns_on_every_seed_where_no_setting_is_warned_about(changes):
    config = replace(LabConfig(), **changes)
    assert training_warnings(config) == []
    assert all(kept_the_cue(lab(replace(config, seed=seed))) for seed in SEEDS)


@pytest.mark.parametrize("changes", OUTSIDE_LIMITS, ids=str)
def test_each_warning_is_earned_the_task_fails_on_some_seed(changes):
    config = replace(LabConfig(), **changes)
    assert [name for name, _ in training_warnings(config)] == list(changes)
    assert not all(kept_the_cue(lab(replace(config, seed=seed))) for seed in SEEDS)
