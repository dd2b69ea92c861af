"""The training engine: both models on the same batches, shuffle and reset policies, per-window scores."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import keras
import numpy as np
import tensorflow as tf

from statelab.config import LabConfig
from statelab.data import LabData, make_lab_data
from statelab.layout import epoch_orders, reset_mask, training_resets
from statelab.models import build_model, loss_for, reset_states
from statelab.results import LabResult, ModelResult, StateTrace
from statelab.scoring import chance_level, persistence_level, score_by_window
from statelab.tracing import StateRecorder, read_state

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


def compile_train_step(model: keras.Model, loss: keras.losses.Loss, optimizer: keras.optimizers.Optimizer):
    """One XLA-compiled gradient step; a stateful layer carries its state to the next call."""

    @tf.function(jit_compile=True)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        gradients = tape.gradient(value, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return value

    return train_step


def train_model(
    model: keras.Model,
    data: LabData,
    config: LabConfig,
    mode: str,
    progress: ProgressCallback | None = None,
    entering: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Train on the config's batches, resetting as the policy says; returns loss per epoch.

    With `entering`, a stateful model appends ‖h‖ of every row entering each batch of the last epoch.
    """
    optimizer = keras.optimizers.Adam(config.learning_rate)
    optimizer.build(model.trainable_variables)
    step = compile_train_step(model, loss_for(data.spec), optimizer)
    resets = training_resets(config)
    batches = config.batches_per_epoch
    losses = []
    for epoch, order in enumerate(epoch_orders(config)):
        x = data.train_x[order].reshape(batches, config.batch_size, *data.train_x.shape[1:])
        y = data.train_y[order].reshape(batches, config.batch_size, *data.train_y.shape[1:])
        epoch_losses = []
        for batch in range(batches):
            if mode == "stateful" and resets[epoch, batch]:
                reset_states(model)
            if entering is not None and mode == "stateful" and epoch == config.epochs - 1:
                entering.append(np.linalg.norm(read_state(model.get_layer("lstm"))[0], axis=1))
            epoch_losses.append(step(x[batch], y[batch]))
            if progress:
                progress(Progress(mode, epoch + 1, config.epochs, batch + 1, batches))
        losses.append(float(np.mean(np.stack(epoch_losses))))
    return np.array(losses, dtype=np.float32)


def evaluate_stateful(model: keras.Model, data: LabData, config: LabConfig):
    """Feed held-out groups window by window, resetting as the policy says; returns outputs and trace.

    Evaluation resets follow the policy: "sequence" before every group, "epoch" once before
    evaluating (training just ended an epoch), "batch" before every batch, "never" not at all, so
    the state left by training flows into the first held-out stream.
    """
    predict = tf.function(lambda x: model(x, training=False), jit_compile=True)
    recorder = StateRecorder(model.get_layer("lstm"), config.timesteps)
    groups = config.eval_groups
    resets = reset_mask(groups * config.n_windows, config.n_windows, config.reset)
    outputs = np.zeros((groups, config.batch_size, config.n_windows, *model.output_shape[1:]), np.float32)
    for group in range(groups):
        rows = slice(group * config.batch_size, (group + 1) * config.batch_size)
        for window in range(config.n_windows):
            if resets[group * config.n_windows + window]:
                reset_states(model)
            x = data.eval_x[rows, window]
            recorder.record(x)
            outputs[group, :, window] = predict(x).numpy()
    trace = recorder.trace(groups, config.batch_size, config.n_windows, resets)
    return outputs.reshape(-1, *outputs.shape[2:]), trace


def evaluate_stateless(model: keras.Model, data: LabData) -> np.ndarray:
    """Predict every held-out window on its own (zero initial state)."""
    n_streams, n_windows = data.eval_x.shape[:2]
    flat = data.eval_x.reshape(n_streams * n_windows, *data.eval_x.shape[2:])
    outputs = model.predict_on_batch(flat)
    return np.asarray(outputs).reshape(n_streams, n_windows, *outputs.shape[1:])


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
    data = data or make_lab_data(config)
    keras.utils.set_random_seed(config.seed)
    batch_size = config.batch_size if mode == "stateful" else None
    model = build_model(data.spec, config.timesteps, config.units, config.seed, batch_size)
    entering: list[np.ndarray] = []
    loss = train_model(model, data, config, mode, progress, entering)
    trace = None
    if mode == "stateful":
        outputs, trace = evaluate_stateful(model, data, config)
        trace = replace(trace, train_entering_h=np.stack(entering))
    else:
        outputs = evaluate_stateless(model, data)
    predictions, by_window = score_by_window(data.spec, outputs, data.eval_y)
    return ModelResult(
        mode=mode,
        metric="error" if data.spec.kind == "regression" else "accuracy",
        loss=loss,
        by_window=by_window.astype(np.float32),
        predictions=predictions.astype(np.float32),
        targets=data.eval_y.astype(np.float32),
        seconds=time.perf_counter() - started,
        weights=model.get_weights(),
        trace=trace,
    )


def run_lab(config: LabConfig, progress: ProgressCallback | None = None) -> LabResult:
    """Train a stateful and a stateless model from the same initial weights on the same batches."""
    data = make_lab_data(config)
    results = {mode: run_model(config, mode, progress, data) for mode in MODES}
    return LabResult(
        config,
        chance=chance_level(data.spec, data.eval_y),
        persistence=persistence_level(data.spec, data.eval_x, data.eval_y),
        held_out_values=data.held_out_values,
        **results,
    )


def trace_states(config: LabConfig) -> StateTrace:
    """Train the stateful model of a config; its carried state (h, c) over the held-out streams."""
    return run_model(config, "stateful").trace
