"""A plain-language verdict of a run (one or several seeds): what happened and why."""

from __future__ import annotations

import numpy as np

from statelab.results import LabResult

MARGIN = 0.08  # accuracy points that count as a real difference


def spread(values: list[float], percent: bool) -> str:
    """ "97 %" for one value, "95–99 % (mean 97 %, 3 seeds)" for several; errors as plain numbers."""

    def text(value: float) -> str:
        return f"{value * 100:.0f} %" if percent else f"{value:.3f}"

    if len(values) == 1:
        return text(values[0])
    low, high = text(min(values)).removesuffix(" %"), text(max(values))
    return f"{low}–{high} (mean {text(float(np.mean(values)))}, {len(values)} seeds)"


def broken_state_reason(results: list[LabResult]) -> str:
    """Why the stateful model's carried state is unreliable under this config, or ""."""
    config = results[0].config
    if config.shuffle is True:
        return "shuffle=True sends each row's state to a window of another stream"
    if config.shuffle == "batch":
        return 'shuffle="batch" swaps rows inside batches, so state lands in the wrong stream'
    if config.reset == "batch":
        return "resetting before every batch throws the carried state away (stateless in disguise)"
    if config.reset in ("never", "epoch") and config.n_groups > 1:
        return (
            "without a reset at each stream-group boundary, the previous streams' state leaks into new ones"
        )
    return ""


def verdict(results: list[LabResult]) -> str:
    """One or two sentences: the headline figures and the reason behind them."""
    if not results:
        raise ValueError("verdict() needs at least one LabResult.")
    if results[0].metric == "error":
        return _regression_verdict(results)
    stateful = float(np.mean([r.stateful.score for r in results]))
    stateless = float(np.mean([r.stateless.score for r in results]))
    chance = float(np.mean([r.chance for r in results]))
    head = (
        f"Stateful {spread([r.stateful.score for r in results], True)}, "
        f"stateless {spread([r.stateless.score for r in results], True)}"
    )
    reason = broken_state_reason(results)
    if results[0].config.task.startswith("article_"):
        return f"{head}: the labels are random, so neither can beat a constant guess ({chance * 100:.0f} %)."
    if stateful > stateless + MARGIN:
        return f"{head}: {_window_story(results)}; the carried state supplies the rest."
    if reason and stateful < max(stateless, chance) + MARGIN:
        return f"{head}: the stateful model gains nothing from its state, because {reason}."
    if stateless > stateful + MARGIN:
        return f"{head}: the stateful model did not learn to use its state on this run; try another seed."
    if max(stateful, stateless) < chance + MARGIN:
        return f"{head}: neither model beat a constant guess ({chance * 100:.0f} %); try more epochs."
    return f"{head}: about equal. Each window already holds the evidence, so carried state adds nothing."


def _window_story(results: list[LabResult]) -> str:
    """Where the stateless model is right: its first window against the later ones."""
    by_window = np.mean([r.stateless.by_window for r in results], axis=0)
    if by_window.size == 1:
        return "stateless sees each window alone"
    return (
        "stateless is right only where its window holds the evidence "
        f"(first window {by_window[0] * 100:.0f} %, later windows {by_window[1:].mean() * 100:.0f} %)"
    )


def _regression_verdict(results: list[LabResult]) -> str:
    stateful = [r.stateful.score for r in results]
    stateless = [r.stateless.score for r in results]
    baseline = float(np.mean([r.chance for r in results]))
    head = f"Mean squared error: stateful {spread(stateful, False)}, stateless {spread(stateless, False)}"
    if min(np.mean(stateful), np.mean(stateless)) > 0.9 * baseline:
        return f"{head}: no better than always predicting the mean ({baseline:.3f}). The targets are noise."
    better = "stateful" if np.mean(stateful) < np.mean(stateless) else "stateless"
    ratio = max(np.mean(stateful), np.mean(stateless)) / max(min(np.mean(stateful), np.mean(stateless)), 1e-9)
    if ratio < 1.1:
        return f"{head}: both forecast far better than the mean ({baseline:.3f}), and about equally well."
    return f"{head}: both beat the mean ({baseline:.3f}); {better} is {ratio:.1f}x more accurate here."
