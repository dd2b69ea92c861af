"""The judges of what a run showed, and the margins they use: shared by the verdict, presets and lessons.

A judge reads finished runs (one or several seeds, averaged window by window) and returns an outcome
key. Every margin that decides "clearly better", "about equal" or "no better than a constant guess"
is defined here once; tests/test_claims.py runs the real configs over seeds and checks each judge
(a lesson's own judges sit in its module, statelab/teaching/lessons/lesson_NN.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from statelab.engine.results import LabResult

ACCURACY_MARGIN = 0.08  # accuracy points that count as a real difference
ERROR_RATIO = 0.9  # an error below 0.9x another one is clearly lower
HIGH_ACCURACY = 0.9  # "near 100 %"

Judge = Callable[[list[LabResult]], str]


def mean_by_window(results: list[LabResult], mode: str) -> np.ndarray:
    """One model's score at each window position, averaged over the seeds."""
    return np.mean([getattr(result, mode).by_window for result in results], axis=0)


def mean_score(results: list[LabResult], mode: str) -> float:
    """One model's score over all held-out windows, averaged over the seeds."""
    return float(np.mean([getattr(result, mode).score for result in results]))


def guess_level(results: list[LabResult]) -> float:
    """The constant guess's score (accuracy or error), averaged over the seeds."""
    return float(np.mean([result.chance for result in results]))


def persistence_level(results: list[LabResult]) -> float:
    """The persistence forecast's error, averaged over the seeds (NaN if the task is no forecast)."""
    return float(np.mean([result.persistence for result in results]))


def beats(score: float, baseline: float, metric: str) -> bool:
    """Whether a score is clearly better than a baseline: higher accuracy, or lower error."""
    if metric == "accuracy":
        return score > baseline + ACCURACY_MARGIN
    return score < ERROR_RATIO * baseline


def compare(stateful: float, stateless: float, metric: str) -> str:
    """ "stateful" or "stateless" when one is clearly better, else "equal"."""
    if beats(stateful, stateless, metric):
        return "stateful"
    return "stateless" if beats(stateless, stateful, metric) else "equal"


def models(results: list[LabResult]) -> tuple[float, float]:
    """(stateful, stateless) score over all windows, averaged over the seeds."""
    return mean_score(results, "stateful"), mean_score(results, "stateless")


def best_score(results: list[LabResult]) -> float:
    """The better model's score: the higher accuracy or the lower error."""
    return (max if results[0].metric == "accuracy" else min)(models(results))


def beats_guess(results: list[LabResult]) -> bool:
    """Whether either model clearly beat a constant guess over all windows."""
    return beats(best_score(results), guess_level(results), results[0].metric)


def collapsed(result: LabResult, mode: str) -> bool:
    """Whether training collapsed: the model beat the guess in no window, where the other model did."""
    other = "stateless" if mode == "stateful" else "stateful"
    learned = {
        name: any(beats(score, result.chance, result.metric) for score in getattr(result, name).by_window)
        for name in (mode, other)
    }
    return learned[other] and not learned[mode]


def collapsed_seeds(results: list[LabResult], mode: str) -> list[int]:
    """The seeds on which a model's training collapsed."""
    return [result.config.seed for result in results if collapsed(result, mode)]


def judge_stateless_windows(results: list[LabResult]) -> str:
    """Where the stateless model was right: "first" window only, "every" window, or "none"."""
    stateless, guess = mean_by_window(results, "stateless"), guess_level(results)
    if stateless[1:].mean() >= HIGH_ACCURACY:
        return "every"
    return "first" if beats(stateless[0], guess, "accuracy") else "none"


def judge_stateful_last_window(results: list[LabResult]) -> str:
    """The stateful model in the last window: "high", "chance" (no better than the guess) or "between"."""
    last = mean_by_window(results, "stateful")[-1]
    if last >= HIGH_ACCURACY:
        return "high"
    return "between" if beats(last, guess_level(results), "accuracy") else "chance"


def judge_seed_dependence(results: list[LabResult]) -> str:
    """The stateful model's last window on each seed: their one outcome, or "depends" when some seeds stay
    near 100 % and others fall to the constant guess."""
    outcomes = {judge_stateful_last_window([result]) for result in results}
    if len(outcomes) == 1:
        return outcomes.pop()
    return "depends" if {"high", "chance"} <= outcomes else judge_stateful_last_window(results)


def judge_stale_state(results: list[LabResult]) -> str:
    """Without good resets: the stateful model still "works", is "like_stateless", or "collapse"s."""
    if len(collapsed_seeds(results, "stateful")) > len(results) / 2:
        return "collapse"
    return "works" if judge_models(results) == "stateful" else "like_stateless"


def judge_models(results: list[LabResult]) -> str:
    """Which model did clearly better over all windows: "stateful", "stateless" or "equal"."""
    return compare(*models(results), results[0].metric)


def versus(score: float, other: float, metric: str) -> str:
    """A score against another: "better", "worse" or "same" (within the margin)."""
    if beats(score, other, metric):
        return "better"
    return "worse" if beats(other, score, metric) else "same"


def judge_first_window(results: list[LabResult]) -> str:
    """The stateful model's first window against the stateless one's: "worse", "same" or "better"."""
    first = {mode: float(mean_by_window(results, mode)[0]) for mode in ("stateful", "stateless")}
    return versus(first["stateful"], first["stateless"], results[0].metric)


def judge_random_labels(results: list[LabResult]) -> str:
    """ "chance" when no run beat a constant guess (each run judged alone), else "above"."""
    return "above" if any(beats_guess([result]) for result in results) else "chance"


def judge_forecast(results: list[LabResult]) -> str:
    """The better forecast against persistence and the mean: "beat_persistence", "mean_only" or "nothing"."""
    best = best_score(results)
    if beats(best, persistence_level(results), "error"):
        return "beat_persistence"
    return "mean_only" if beats(best, guess_level(results), "error") else "nothing"


def judge_carry(results: list[LabResult]) -> str:
    """How far the stateful model knew the cue: in "every" window, only the "first", a few then it "fades",
    or "none" (no better than the guess even in the first window). Over several seeds, what most seeds
    showed (a tie: what their average showed): one seed whose training collapsed does not make the
    others' runs look like a fading cue."""
    outcomes = Counter(_carry([result]) for result in results).most_common()
    if len(outcomes) > 1 and outcomes[0][1] == outcomes[1][1]:
        return _carry(results)
    return outcomes[0][0]


def _carry(results: list[LabResult]) -> str:
    """How far the stateful model knew the cue, its scores averaged over the seeds window by window."""
    stateful, guess = mean_by_window(results, "stateful"), guess_level(results)
    if stateful.min() >= HIGH_ACCURACY:
        return "every"
    if not beats(float(stateful[0]), guess, "accuracy"):
        return "none"
    return "fades" if beats(float(stateful[1]), guess, "accuracy") else "first"


PRESET_JUDGES: dict[str, Judge] = {
    "correct": judge_stateless_windows,
    "shuffle_on": judge_stateful_last_window,
    "shuffle_batch": judge_seed_dependence,
    "never_reset": judge_stale_state,
    "epoch_reset": judge_stale_state,
    "batch_reset": judge_models,
    "running_total_never": judge_first_window,
    "control": judge_models,
    "article_binary": judge_random_labels,
    "article_multiclass": judge_random_labels,
    "article_seq2seq": judge_random_labels,
    "forecast": judge_forecast,
    "simple_rnn": judge_carry,
}


def preset_outcome(preset_id: str, results: list[LabResult]) -> str:
    """The option key of a preset that a run (one or several seeds) showed."""
    if preset_id not in PRESET_JUDGES:
        raise ValueError(f"Unknown preset {preset_id!r}: choose one of {', '.join(PRESET_JUDGES)}.")
    if not results:
        raise ValueError("preset_outcome() needs at least one LabResult.")
    return PRESET_JUDGES[preset_id](results)
