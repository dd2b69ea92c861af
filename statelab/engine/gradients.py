"""Truncated backpropagation, measured: no gradient crosses a stateful batch boundary; state values do."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from statelab.engine.models import build_model
from statelab.engine.tasks import TASK_SPECS

SPEC = TASK_SPECS["forecast"]  # one feature, a target at every step


def gradient_across_boundary(units: int = 8, timesteps: int = 5, seed: int = 0) -> dict:
    """Gradient of window k+1's loss w.r.t. window k's inputs: stateful batches vs one long sequence."""
    for name, value, low in (("units", units, 1), ("timesteps", timesteps, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be a whole number of at least {low}, not {value!r}.")
    rng = np.random.default_rng(seed)
    first, second, target = (tf.constant(rng.normal(size=(1, timesteps, 1)), tf.float32) for _ in range(3))
    stateful = build_model(SPEC, timesteps, units, seed, batch_size=1)
    one_sequence = build_model(SPEC, 2 * timesteps, units, seed)
    one_sequence.set_weights(stateful.get_weights())
    carried = _stateful_gradient(stateful, first, second, target)
    joined = _one_sequence_gradient(one_sequence, first, second, target)
    return {
        "timesteps": timesteps,
        "stateful_gradient": carried["per_step"],  # (timesteps,): |d loss(k+1) / d input of step t of k|
        "one_sequence_gradient": joined["per_step"],
        "stateful_norm": float(np.linalg.norm(carried["per_step"])),
        "one_sequence_norm": float(np.linalg.norm(joined["per_step"])),
        "stateful_connected": carried["connected"],  # False: the tape found no path at all
        "stateful_loss": carried["loss"],  # equals one_sequence_loss: same forward pass, same weights
        "one_sequence_loss": joined["loss"],
        "carried_state_norm": carried["state_norm"],  # ‖h‖ after window k: the value that carried over
    }


def _stateful_gradient(model: keras.Model, first: tf.Tensor, second: tf.Tensor, target: tf.Tensor) -> dict:
    """Both windows in two calls under one tape: the state crosses only as a variable's assigned value."""
    layer = model.get_layer("lstm")
    layer.reset_state()
    with tf.GradientTape() as tape:
        tape.watch(first)
        model(first, training=False)
        state_norm = float(np.linalg.norm(np.array(layer.states[0])))
        loss = keras.losses.MeanSquaredError()(target, model(second, training=False))
    gradient = tape.gradient(loss, first)
    per_step = np.zeros(first.shape[1]) if gradient is None else _per_step(gradient)
    return {
        "per_step": per_step,
        "connected": gradient is not None,
        "loss": float(loss),
        "state_norm": state_norm,
    }


def _one_sequence_gradient(
    model: keras.Model, first: tf.Tensor, second: tf.Tensor, target: tf.Tensor
) -> dict:
    """Both windows as one sequence: window k+1's loss backpropagates into window k's steps."""
    timesteps = first.shape[1]
    joined = tf.concat([first, second], axis=1)
    with tf.GradientTape() as tape:
        tape.watch(joined)
        outputs = model(joined, training=False)
        loss = keras.losses.MeanSquaredError()(target, outputs[:, timesteps:])
    gradient = tape.gradient(loss, joined)
    return {"per_step": _per_step(gradient[:, :timesteps]), "loss": float(loss)}


def _per_step(gradient: tf.Tensor) -> np.ndarray:
    """Gradient magnitude at every step of a (1, timesteps, features) gradient."""
    return np.linalg.norm(np.array(gradient)[0], axis=-1).astype(np.float64)
