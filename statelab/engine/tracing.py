"""Carried-state capture: every state tensor (LSTM: h and c; GRU, SimpleRNN: h) entering every batch and
after every step inside a window."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from statelab.engine.results import StateTrace


def step_through(cell: keras.layers.Layer, x: tf.Tensor, states: list[tf.Tensor]) -> tf.Tensor:
    """Step a recurrent cell through a window (rows, timesteps, features) from its state tensors.

    Returns (state tensors, rows, timesteps, units): [h, c] for an LSTMCell, [h] for a GRUCell or a
    SimpleRNNCell. Keras returns only the last step's state; stepping the layer's own cell gives every
    step's. Runs inside a compiled function, traced without AutoGraph: the loop is a tf.while_loop.
    """
    timesteps = tf.shape(x)[1]

    def step(index, states, trace):
        _, states = cell(x[:, index], states, training=False)
        return index + 1, states, trace.write(index, tf.stack(states))

    trace = tf.TensorArray(x.dtype, size=timesteps)
    _, _, trace = tf.while_loop(lambda index, *_: index < timesteps, step, (tf.constant(0), states, trace))
    return tf.transpose(trace.stack(), [1, 2, 0, 3])


def by_stream(batches: np.ndarray, n_windows: int) -> np.ndarray:
    """Batches in stateful order (groups x windows, rows, ...) -> (groups x rows, windows, ...) by stream."""
    rows = batches.shape[1]
    grouped = batches.reshape(-1, n_windows, rows, *batches.shape[2:])
    return np.swapaxes(grouped, 1, 2).reshape(-1, n_windows, *batches.shape[2:])


def as_state_trace(incoming: np.ndarray, steps: np.ndarray, n_windows: int, resets: np.ndarray) -> StateTrace:
    """The StateTrace of an evaluation pass from its (batches, state tensors, rows, ...) entering and
    per-step states; c only where the layer keeps a second state tensor (an LSTM)."""
    has_c = steps.shape[1] > 1
    return StateTrace(
        h=by_stream(steps[:, 0], n_windows),
        c=by_stream(steps[:, 1], n_windows) if has_c else None,
        incoming_h=by_stream(incoming[:, 0], n_windows),
        incoming_c=by_stream(incoming[:, 1], n_windows) if has_c else None,
        resets=resets.copy(),
    )
