"""A plain-language verdict of a run (one or several seeds): what happened and why.

The checks run in order: random labels, a collapsed training, a broken state, no model above the
constant guess; only then which model did better. The judges and margins come from statelab.teaching.judges.
"""

from __future__ import annotations

import numpy as np

from statelab.engine.results import LabResult
from statelab.engine.tasks import TASK_SPECS
from statelab.teaching.judges import (
    beats,
    beats_guess,
    collapsed_seeds,
    compare,
    guess_level,
    mean_by_window,
    models,
    versus,
)
from statelab.teaching.limits import outside_limits
from statelab.teaching.verdict_forecast import regression_verdict
from statelab.teaching.wording import listed, spread

MODES = ("stateful", "stateless")


def broken_state_reason(results: list[LabResult]) -> str:
    """Why the stateful model's carried state is unreliable under this config, or ""."""
    config = results[0].config
    if config.shuffle is True:
        return "shuffle=True sends each row's state to a window of another stream"
    if config.shuffle == "batch":
        return 'shuffle="batch" breaks the row-to-row continuity during training (lesson 3 records how)'
    if config.reset == "batch":
        return "resetting before every batch throws the carried state away (stateless in disguise)"
    if config.reset in ("never", "epoch") and config.n_groups > 1:
        return (
            "without a reset at each stream-group boundary, the previous streams' state leaks into new ones"
        )
    return ""


def verdict(results: list[LabResult]) -> str:
    """One to three sentences: the headline figures and the reason behind them."""
    if not results:
        raise ValueError("verdict() needs at least one LabResult.")
    if results[0].metric == "error":
        return regression_verdict(results)
    head = (
        f"Stateful {spread([r.stateful.score for r in results], True)}, "
        f"stateless {spread([r.stateless.score for r in results], True)}"
    )
    return f"{head}: {_classification_story(results)}"


def _classification_story(results: list[LabResult]) -> str:
    """What the accuracy figures mean, checking failures before comparing the models."""
    guess = f"the constant guess ({guess_level(results) * 100:.0f} %)"
    reason = broken_state_reason(results)
    if results[0].config.task.startswith("article_"):
        if beats_guess(results):
            return f"one model beat {guess} on random labels: that is luck or a leak; try other seeds."
        return f"the labels are random, so neither model can beat {guess}."
    collapse = _collapse_story(results, guess)
    if collapsed := collapsed_seeds(results, "stateful"):
        if reason:
            return f"{collapse} This setup breaks the state: {reason}."
        return collapse + _other_seeds_story(results, collapsed, guess) + _settings_hint(results)
    if not any(_beats_guess_somewhere(results, mode) for mode in MODES):
        return f"neither model beat {guess} in any window. {_epochs_advice(results)}{_settings_hint(results)}"
    story = _comparison(results, guess, reason) + _at_or_below_guess(results, guess, bool(collapse))
    if collapse:  # the stateless model's: said first, then what the stateful model did
        return f"{collapse} {story[0].upper()}{story[1:]}{_settings_hint(results)}"
    return story


def _other_seeds_story(results: list[LabResult], collapsed: list[int], guess: str) -> str:
    """ " On the other seeds, ..." (how the models compared where the stateful model's training did not
    collapse, in a setup that keeps the state), or "" when it collapsed on every seed."""
    others = [result for result in results if result.config.seed not in collapsed]
    if not others:
        return ""
    where = f"seed{'s' * (len(others) > 1)} {listed([result.config.seed for result in others])}"
    return f" On the other {where}: {_comparison(others, guess, '')}"


def _comparison(results: list[LabResult], guess: str, reason: str) -> str:
    """Which model did better, and why, once both learned something."""
    outcome = compare(*models(results), "accuracy")
    stateful, stateless = (mean_by_window(results, mode) for mode in MODES)
    if outcome == "stateful" and not reason:
        return f"{_window_story(results)}; {_carried_story(results)}."
    if outcome == "stateful" and not beats(float(stateful[-1]), guess_level(results), "accuracy"):
        return (
            f"the state helps only in the first windows and fades to {guess} by the last "
            f"({stateful[-1] * 100:.0f} %), because {reason}."
        )
    if outcome == "stateful" and versus(float(stateful[0]), float(stateless[0]), "accuracy") == "worse":
        return (
            f"the state still helps over all windows, though {reason}: the first window scores "
            f"{stateful[0] * 100:.0f} % against the stateless model's {stateless[0] * 100:.0f} %."
        )
    if outcome == "stateful":
        later = slice(1, None) if stateful.size > 1 else slice(None)
        last = [float(result.stateful.by_window[-1]) for result in results]
        cost = (
            f" Its last window scored {spread(last, True)}: what the broken state costs depends on the seed."
            if len(results) > 1
            else " What the broken state costs can depend on the seed: try several."
        )
        return (
            f"the stateful model still beats the stateless one after the first window "
            f"({stateful[later].mean() * 100:.0f} % against {stateless[later].mean() * 100:.0f} %), although "
            f"this setup breaks the state: {reason}.{cost}"
        )
    if reason:
        return f"the stateful model gains nothing from its state, because {reason}."
    if outcome == "stateless":
        return "the stateful model did worse than the stateless one on this run."
    return "about equal: each window already holds the evidence, so carried state adds nothing."


def _carried_story(results: list[LabResult]) -> str:
    """ "the carried state supplies the rest", unless it failed on some seed: then where, in numbers."""
    failed = [
        r for r in results if not all(beats(float(s), r.chance, "accuracy") for s in r.stateful.by_window)
    ]
    if not failed:
        return "the carried state supplies the rest"
    misses = "; ".join(
        f"seed {r.config.seed} scored {r.stateful.score * 100:.0f} %, its lowest window "
        f"{r.stateful.by_window.min() * 100:.0f} %"
        for r in failed
    )
    if len(failed) == len(results):
        return f"the carried state does not supply the rest in every window ({misses})"
    return f"the carried state supplies the rest on the other seeds, not on every one ({misses})"


def _beats_guess_somewhere(results: list[LabResult], mode: str) -> bool:
    """Whether a model beat the constant guess in at least one window (averaged over the seeds)."""
    guess = guess_level(results)
    return any(beats(float(score), guess, "accuracy") for score in mean_by_window(results, mode))


def _collapse_story(results: list[LabResult], guess: str) -> str:
    """ "Training collapsed ..." for each model that beat the guess in no window where the other did."""
    stories = []
    for mode in MODES:
        seeds = collapsed_seeds(results, mode)
        if seeds:
            where = "" if len(results) == 1 else f" on seed{'s' * (len(seeds) > 1)} {listed(seeds)}"
            stories.append(
                f"the {mode} model's training collapsed{where}: it was not clearly above {guess} in any "
                "window, even where the other model was right"
            )
    return "; ".join(stories) + "." if stories else ""


def _at_or_below_guess(results: list[LabResult], guess: str, stateless_collapsed: bool = False) -> str:
    """ " Over all windows the stateful model (57 %) is not clearly above the constant guess." or ""."""
    below = [
        f"the {mode} model ({score * 100:.0f} %)"
        for mode, score in zip(MODES, models(results), strict=True)
        if not beats(score, guess_level(results), "accuracy")
        and not (mode == "stateless" and stateless_collapsed)
    ]
    if not below:
        return ""
    verb = "is" if len(below) == 1 else "are"
    return f" Over all windows {' and '.join(below)} {verb} not clearly above {guess}."


def _epochs_advice(results: list[LabResult]) -> str:
    """Whether more epochs could help: only while the training loss was still falling."""
    losses = np.mean([r.stateful.loss for r in results], axis=0)
    if losses.size >= 3 and losses[-1] < 0.95 * losses[-3]:
        return "The training loss was still falling at the end: more epochs may help."
    return "The training loss had stopped falling, so more epochs are unlikely to help."


def _settings_hint(results: list[LabResult]) -> str:
    """ " This run is outside the settings where the task was measured to learn: ..." or ""."""
    config = results[0].config
    limits = [
        f"{name} is {getattr(config, name)} (reliable: {rule})"
        for name, rule in outside_limits(config).items()
    ]
    if not limits:
        return ""
    return f" This run is outside the settings where the task was measured to learn: {'; '.join(limits)}."


def _window_story(results: list[LabResult]) -> str:
    """Where the stateless model is right: its first window against the later ones."""
    by_window = mean_by_window(results, "stateless")
    if by_window.size == 1:
        return "stateless sees each window alone"
    return (
        "stateless is right only where its window holds the evidence "
        f"(first window {by_window[0] * 100:.0f} %, later windows {by_window[1:].mean() * 100:.0f} %)"
    )


def guess_note(results: list[LabResult]) -> str:
    """What the constant-guess line is, why it moves from run to run, and why a model can fall below it."""
    if results[0].metric == "error":
        note = (
            "Predict the mean: the error of always answering the held-out targets' own mean (their "
            f"variance, {spread([r.chance for r in results], False)})."
        )
        if np.isfinite(results[0].persistence):
            note += " Persistence: the error of forecasting each next value as the current one."
        if np.isfinite(results[0].seasonal):
            note += (
                " Seasonal naive: the error of forecasting each value as the value one season "
                f"({results[0].period} steps) earlier, which is known when the forecast is made."
            )
        return note
    targets = results[0].stateful.targets
    labels, counts = np.unique(targets, return_counts=True)
    majority, classes = labels[counts.argmax()], TASK_SPECS[results[0].config.task].classes
    where = "here" if len(results) == 1 else f"on seed {results[0].config.seed}"
    return (
        f"The constant guess always answers the most common held-out label: {where} "
        f"{counts.max() / targets.size * 100:.0f} % of the held-out labels are {majority:g}, so always "
        f"answering {majority:g} scores {spread([r.chance for r in results], True)}. That share depends on "
        f"which {targets.shape[0]} held-out streams were drawn, so it moves from run to run, and the fewer "
        "streams (held-out groups x batch size), the further it can stray from "
        f"{100 / classes:.0f} %, the share of balanced labels. A model falls below "
        "the line when it answers another label more often than the data supports: where its window holds "
        f"no evidence, the stateless model guesses from noise and is right about {100 / classes:.0f} % of "
        "the time, less than always answering the most common label."
    )
