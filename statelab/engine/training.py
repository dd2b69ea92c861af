"""Training: both models on the same batches, shuffle and reset policies, per-window scores."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from statelab.engine import compile_cache
from statelab.engine.compiled import Engine, Shape, as_batches, engine_for
from statelab.engine.config import LabConfig
from statelab.engine.data import LabData, make_lab_data
from statelab.engine.layout import epoch_orders, reset_mask, stateful_order, training_resets
from statelab.engine.results import LabResult, ModelResult, StateTrace
from statelab.engine.scoring import chance_level, persistence_level, score_by_window, seasonal_level
from statelab.engine.tracing import as_state_trace, by_stream

MODES = ("stateful", "stateless")


@dataclass(frozen=True)
class Progress:
    """Where training is: which model, epoch and batch (counted from 1)."""

    mode: str
    epoch: int
    epochs: int
    batch: int
    batches: int


ProgressCallback = Callable[[Progress], None]


def train_model(
    engine: Engine, data: LabData, config: LabConfig, progress: ProgressCallback | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Train on the config's batches, one compiled call per epoch, resetting as the policy says.

    Returns the loss per epoch (averaged as `fit` averages it) and, for a stateful model, ‖h‖ of
    every row entering each batch of the last epoch. Progress is reported after every epoch.
    """
    resets = training_resets(config)
    losses = []
    for epoch, order in enumerate(epoch_orders(config)):
        x, y = (as_batches(samples[order], config.batch_size) for samples in (data.train_x, data.train_y))
        loss, entering = engine.run_epoch(x, y, resets[epoch])
        losses.append(loss.numpy())
        if progress:
            batches = config.batches_per_epoch
            progress(Progress(engine.shape.mode, epoch + 1, config.epochs, batches, batches))
    return np.array(losses, dtype=np.float32), entering


def evaluate_stateful(engine: Engine, data: LabData, config: LabConfig) -> tuple[np.ndarray, StateTrace]:
    """Feed held-out groups window by window, resetting as the policy says; returns outputs and trace.

    Evaluation resets follow the policy: "sequence" before every group, "epoch" once before
    evaluating (training just ended an epoch), "batch" before every batch, "never" not at all, so
    the state left by training flows into the first held-out stream.
    """
    resets = reset_mask(config.eval_groups * config.n_windows, config.n_windows, config.reset)
    streams, windows = stateful_order(len(data.eval_x), config.n_windows, config.batch_size)
    batches = as_batches(data.eval_x[streams, windows], config.batch_size)
    outputs, incoming, steps = engine.run_evaluation(batches, resets)
    trace = as_state_trace(incoming, steps, config.n_windows, resets)
    return by_stream(outputs, config.n_windows), trace


def evaluate_stateless(engine: Engine, data: LabData) -> np.ndarray:
    """Predict every held-out window on its own (zero initial state)."""
    n_streams, n_windows = data.eval_x.shape[:2]
    outputs = engine.run_evaluation(data.eval_x.reshape(n_streams * n_windows, *data.eval_x.shape[2:]))
    return outputs.reshape(n_streams, n_windows, *outputs.shape[1:])


def run_model(
    config: LabConfig,
    mode: str,
    progress: ProgressCallback | None = None,
    data: LabData | None = None,
) -> ModelResult:
    """Train and evaluate one model ("stateful" or "stateless") of a config."""
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}: use 'stateful' or 'stateless'.")
    started = time.perf_counter()
    compile_cache.sync()  # programs other processes compiled since
    data = data or make_lab_data(config)
    engine = engine_for(data.spec, Shape.of(data.spec, config, mode))
    engine.start(config.seed, config.learning_rate)
    loss, entering = train_model(engine, data, config, progress)
    trace = None
    if mode == "stateful":
        outputs, trace = evaluate_stateful(engine, data, config)
        trace = replace(trace, train_entering_h=entering)
    else:
        outputs = evaluate_stateless(engine, data)
    compile_cache.sync()  # programs this run compiled, for other processes
    predictions, by_window = score_by_window(data.spec, outputs, data.eval_y)
    return ModelResult(
        mode=mode,
        metric="error" if data.spec.kind == "regression" else "accuracy",
        loss=loss,
        by_window=by_window.astype(np.float32),
        predictions=predictions.astype(np.float32),
        targets=data.eval_y.astype(np.float32),
        seconds=time.perf_counter() - started,
        weights=engine.model.get_weights(),
        trace=trace,
    )


def run_lab(config: LabConfig, progress: ProgressCallback | None = None) -> LabResult:
    """Train a stateful and a stateless model from the same initial weights on the same batches."""
    data = make_lab_data(config)
    for mode in MODES:  # both engines now: a new one's evaluation compiles while the first model trains
        engine_for(data.spec, Shape.of(data.spec, config, mode))
    results = {mode: run_model(config, mode, progress, data) for mode in MODES}
    return LabResult(
        config,
        chance=chance_level(data.spec, data.eval_y),
        persistence=persistence_level(data.spec, data.eval_x, data.eval_y),
        held_out_values=data.held_out_values,
        seasonal=seasonal_level(data.eval_seasonal, data.eval_y),
        period=data.period,
        **results,
    )


def trace_states(config: LabConfig) -> StateTrace:
    """Train the stateful model of a config; its carried state (h, c) over the held-out streams."""
    return run_model(config, "stateful").trace
