"""A plain-language verdict of a run (one or several seeds): what happened and why."""

from __future__ import annotations

import numpy as np

from statelab.results import LabResult

MARGIN = 0.08  # accuracy points that count as a real difference


def spread(values: list[float], percent: bool) -> str:
    """ "97 %" for one value, "95–99 % (mean 97 %)" for several; errors as plain numbers."""
    shown = [f"{v * 100:.0f}" if percent else f"{v:.3f}" for v in values]
    unit = " %" if percent else ""
    if len(values) == 1:
        return f"{shown[0]}{unit}"
    mean = float(np.mean(values))
    mean_text = f"{mean * 100:.0f}" if percent else f"{mean:.3f}"
    low, high = (
        (f"{min(values) * 100:.0f}", f"{max(values) * 100:.0f}")
        if percent
        else (
            f"{min(values):.3f}",
            f"{max(values):.3f}",
        )
    )
    return f"{low}–{high}{unit} (mean {mean_text}{unit}, {len(values)} seeds)"


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
    stateful = [r.stateful.score for r in results]
    stateless = [r.stateless.score for r in results]
    chance = float(np.mean([r.chance for r in results]))
    first = float(np.mean([r.stateless.by_window[0] for r in results]))
    later = (
        float(np.mean([r.stateless.by_window[1:].mean() for r in results]))
        if results[0].config.n_windows > 1
        else first
    )
    head = f"Stateful {spread(stateful, True)}, stateless {spread(stateless, True)}"
    reason = broken_state_reason(results)
    if max(np.mean(stateful), np.mean(stateless)) < chance + MARGIN:
        return (
            f"{head}: neither beats a constant guess ({chance * 100:.0f} %). There is nothing to learn here."
        )
    if np.mean(stateful) > np.mean(stateless) + MARGIN:
        why = (
            f"stateless is right only where its window holds the evidence (first window {first * 100:.0f} %, "
            f"later windows {later * 100:.0f} %); the carried state supplies the rest."
        )
        return f"{head}: {why}"
    if np.mean(stateless) > np.mean(stateful) + MARGIN:
        because = reason or "the stateful model did not learn to use its state on this run"
        return f"{head}: the stateful model is worse because {because}."
    if reason:
        return f"{head}: about equal, because {reason}; the stateful model gains nothing from its state."
    return f"{head}: about equal. Each window already holds the evidence, so carried state adds nothing."


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
