"""Held-out scores and the baselines beside them: a constant guess; persistence and, for a seasonal
series, the seasonal naive forecast for forecasts."""

from __future__ import annotations

import numpy as np

from statelab.engine.tasks import TaskSpec


def score_by_window(spec: TaskSpec, outputs: np.ndarray, targets: np.ndarray):
    """(predictions, score by window): accuracy for classification, mean squared error for regression."""
    if spec.kind == "regression":
        predictions = outputs[..., 0]
        return predictions, ((predictions - targets) ** 2).mean(axis=(0, 2))
    predictions = outputs[..., 0] if spec.kind == "binary" else outputs.argmax(axis=-1).astype(np.float32)
    classes = (predictions > 0.5) if spec.kind == "binary" else predictions
    return predictions, (classes == targets).mean(axis=0)


def chance_level(spec: TaskSpec, targets: np.ndarray) -> float:
    """What a constant guess scores: the majority class's share, or the targets' variance."""
    if spec.kind == "regression":
        return float(targets.var())
    counts = np.unique(targets, return_counts=True)[1]
    return float(counts.max() / targets.size)


def persistence_level(spec: TaskSpec, inputs: np.ndarray, targets: np.ndarray) -> float:
    """The error of forecasting "next value = this value" (forecast tasks), or NaN for other tasks."""
    if not spec.forecast:
        return float("nan")
    return float(((inputs[..., 0] - targets) ** 2).mean())


def seasonal_level(seasonal: np.ndarray | None, targets: np.ndarray) -> float:
    """The error of forecasting each value as the value one season earlier, or NaN without a season."""
    if seasonal is None:
        return float("nan")
    return float(((seasonal - targets) ** 2).mean())
