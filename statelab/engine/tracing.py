"""Carried-state capture: h and c entering every batch, and after every step inside a window."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from statelab.engine.results import StateTrace


def read_state(layer: keras.layers.LSTM) -> tuple[np.ndarray, np.ndarray]:
    """The (h, c) a stateful LSTM layer will start its next batch from, each (batch_size, units)."""
    h, c = layer.states
    return np.array(h), np.array(c)


def step_through(cell: keras.layers.LSTMCell, x: tf.Tensor, h: tf.Tensor, c: tf.Tensor) -> tf.Tensor:
    """Step an LSTMCell through a window (rows, timesteps, features) from (h, c): (2, rows, timesteps, units).

    Keras returns only the last step's state; stepping the layer's own cell gives every step's.
    Runs inside a compiled function (the window's length must be static).
    """
    timesteps = x.shape[1]
    states = tf.TensorArray(x.dtype, size=timesteps)
    for step in tf.range(timesteps):
        _, (h, c) = cell(x[:, step], [h, c], training=False)
        states = states.write(step, tf.stack([h, c]))
    return tf.transpose(states.stack(), [1, 2, 0, 3])


def by_stream(batches: np.ndarray, n_windows: int) -> np.ndarray:
    """Batches in stateful order (groups x windows, rows, ...) -> (groups x rows, windows, ...) by stream."""
    rows = batches.shape[1]
    grouped = batches.reshape(-1, n_windows, rows, *batches.shape[2:])
    return np.swapaxes(grouped, 1, 2).reshape(-1, n_windows, *batches.shape[2:])


def as_state_trace(incoming: np.ndarray, steps: np.ndarray, n_windows: int, resets: np.ndarray) -> StateTrace:
    """The StateTrace of an evaluation pass from its (batches, 2, rows, ...) entering and per-step (h, c)."""
    return StateTrace(
        h=by_stream(steps[:, 0], n_windows),
        c=by_stream(steps[:, 1], n_windows),
        incoming_h=by_stream(incoming[:, 0], n_windows),
        incoming_c=by_stream(incoming[:, 1], n_windows),
        resets=resets.copy(),
    )
