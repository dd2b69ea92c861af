"""Plain results of a lab run (NumPy arrays and numbers) and their storage on disk."""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from statelab.engine.config import LabConfig

MODES = ("stateful", "stateless")


@dataclass(frozen=True)
class StateTrace:
    """Carried state of the stateful model during evaluation, step by step, for every held-out stream.

    An LSTM keeps two state tensors, h and c; a GRU and a SimpleRNN keep h only (c is None).
    """

    h: np.ndarray  # (eval streams, windows, timesteps, units): h after every step
    c: np.ndarray | None  # same shape: an LSTM's c after every step; None for a one-state layer
    incoming_h: np.ndarray  # (eval streams, windows, units): h entering each window
    incoming_c: np.ndarray | None
    resets: np.ndarray  # (eval batches,): reset before the batch
    train_entering_h: np.ndarray | None = None  # (batches of the last epoch, rows): ‖h‖ entering each batch


@dataclass(frozen=True)
class ModelResult:
    """One model's run: loss per epoch and the held-out score by window position."""

    mode: str  # "stateful" or "stateless"
    metric: str  # "accuracy" (classification) or "error" (mean squared error, regression)
    loss: np.ndarray  # (epochs,) mean training loss
    by_window: np.ndarray  # (windows,) accuracy or error at each window position
    predictions: np.ndarray  # (eval streams, windows[, timesteps]) probability, class or value
    targets: np.ndarray  # same shape as predictions
    seconds: float
    weights: list[np.ndarray] = field(default_factory=list)
    trace: StateTrace | None = None

    @property
    def accuracy_by_window(self) -> np.ndarray:
        """Accuracy at each window position (classification tasks only)."""
        if self.metric != "accuracy":
            raise ValueError("This task is a regression: read error_by_window instead.")
        return self.by_window

    @property
    def error_by_window(self) -> np.ndarray:
        """Mean squared error at each window position (regression tasks only)."""
        if self.metric != "error":
            raise ValueError("This task is a classification: read accuracy_by_window instead.")
        return self.by_window

    @property
    def score(self) -> float:
        """Accuracy (or error) over all held-out windows."""
        return float(self.by_window.mean())


@dataclass(frozen=True)
class LabResult:
    """Both models of a run, trained from the same initial weights on the same batches."""

    config: LabConfig
    stateful: ModelResult
    stateless: ModelResult
    chance: float  # accuracy of guessing, or the error of always predicting the mean
    persistence: float = float("nan")  # error of "next value = this value" (forecasts only), else NaN
    held_out_values: int = 0  # values of a real series the held-out streams come from (0: generated data)
    seasonal: float = float("nan")  # error of "next value = the value one season earlier", else NaN
    period: int = 0  # steps in one season of a forecast series (0: none known)

    @property
    def metric(self) -> str:
        """ "accuracy" or "error"."""
        return self.stateful.metric


def seed_stack(results: list[LabResult], part: str = "by_window") -> dict[str, np.ndarray]:
    """Both models' `part` ("by_window" or "loss") over the seeds: mode -> array (seeds, points)."""
    if part not in ("by_window", "loss") or not results:
        raise ValueError(f'seed_stack() needs results and part "by_window" or "loss", not {part!r}.')
    return {mode: np.stack([getattr(getattr(r, mode), part) for r in results]) for mode in MODES}


BASELINES = (
    "chance",
    "persistence",
    "held_out_values",
    "seasonal",
    "period",
)  # LabResult's plain numbers, saved as JSON


def save_result(result: LabResult, path) -> None:
    """Write a LabResult to one .npz file (arrays stored as they are, the rest as JSON).

    Not compressed: a result's arrays are float32 training numbers that zlib shrinks by 9 % (the suite's
    91 results of tests/test_claims.py: 197 MB against 216 MB), for 78 ms of a core per result instead of 5.
    """
    arrays: dict[str, np.ndarray] = {}
    meta = {"config": asdict(result.config), **{name: getattr(result, name) for name in BASELINES}}
    for mode in ("stateful", "stateless"):
        meta[mode] = _pack_model(getattr(result, mode), mode, arrays)
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
    with open(path, "wb") as handle:
        handle.write(buffer.getvalue())


def load_result(path) -> LabResult:
    """Read a LabResult written by `save_result`."""
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays.pop("meta")))
    models = {mode: _unpack_model(meta[mode], mode, arrays) for mode in ("stateful", "stateless")}
    baselines = {name: meta[name] for name in BASELINES if name in meta}  # older files lack some
    return LabResult(LabConfig(**meta["config"]), **baselines, **models)


def _pack_model(model: ModelResult, prefix: str, arrays: dict[str, np.ndarray]) -> dict:
    for name in ("loss", "by_window", "predictions", "targets"):
        arrays[f"{prefix}.{name}"] = getattr(model, name)
    for index, weight in enumerate(model.weights):
        arrays[f"{prefix}.weight{index}"] = weight
    if model.trace is not None:
        for part in fields(StateTrace):
            if getattr(model.trace, part.name) is not None:
                arrays[f"{prefix}.trace.{part.name}"] = getattr(model.trace, part.name)
    return {
        "mode": model.mode,
        "metric": model.metric,
        "seconds": model.seconds,
        "n_weights": len(model.weights),
        "traced": model.trace is not None,
    }


def _unpack_model(meta: dict, prefix: str, arrays: dict[str, np.ndarray]) -> ModelResult:
    trace = None
    if meta["traced"]:
        names = [part.name for part in fields(StateTrace)]
        trace = StateTrace(**{name: arrays.get(f"{prefix}.trace.{name}") for name in names})
    return ModelResult(
        mode=meta["mode"],
        metric=meta["metric"],
        seconds=meta["seconds"],
        weights=[arrays[f"{prefix}.weight{index}"] for index in range(meta["n_weights"])],
        trace=trace,
        **{name: arrays[f"{prefix}.{name}"] for name in ("loss", "by_window", "predictions", "targets")},
    )
