"""Carried-state capture: h and c entering every batch, and after every step inside a window."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from statelab.results import StateTrace


def read_state(layer: keras.layers.LSTM) -> tuple[np.ndarray, np.ndarray]:
    """The (h, c) a stateful LSTM layer will start its next batch from, each (batch_size, units)."""
    h, c = layer.states
    return np.array(h), np.array(c)


def compile_cell_steps(layer: keras.layers.LSTM, timesteps: int):
    """A compiled function stepping the layer's own LSTMCell through a window: (x, h, c) -> all h, c."""
    cell = layer.cell

    @tf.function
    def step_through(x, h, c):
        hs = tf.TensorArray(tf.float32, size=timesteps)
        cs = tf.TensorArray(tf.float32, size=timesteps)
        for t in tf.range(timesteps):
            _, (h, c) = cell(x[:, t], [h, c], training=False)
            hs = hs.write(t, h)
            cs = cs.write(t, c)
        return tf.transpose(hs.stack(), [1, 0, 2]), tf.transpose(cs.stack(), [1, 0, 2])

    return step_through


class StateRecorder:
    """Records, batch by batch, the state entering a stateful layer and its evolution step by step."""

    def __init__(self, layer: keras.layers.LSTM, timesteps: int):
        self.layer = layer
        self.step_through = compile_cell_steps(layer, timesteps)
        self.incoming: list[tuple[np.ndarray, np.ndarray]] = []
        self.steps: list[tuple[np.ndarray, np.ndarray]] = []

    def record(self, x: np.ndarray) -> None:
        """Call just before the layer processes batch `x`."""
        h, c = read_state(self.layer)
        self.incoming.append((h, c))
        hs, cs = self.step_through(tf.constant(x), tf.constant(h), tf.constant(c))
        self.steps.append((hs.numpy(), cs.numpy()))

    def trace(self, groups: int, batch_size: int, n_windows: int, resets: np.ndarray) -> StateTrace:
        """Arrange the recorded batches by held-out stream and window."""

        def arrange(parts: list[np.ndarray]) -> np.ndarray:
            stacked = np.stack(parts).reshape(groups, n_windows, batch_size, *parts[0].shape[1:])
            return np.swapaxes(stacked, 1, 2).reshape(groups * batch_size, n_windows, *parts[0].shape[1:])

        return StateTrace(
            h=arrange([h for h, _ in self.steps]),
            c=arrange([c for _, c in self.steps]),
            incoming_h=arrange([h for h, _ in self.incoming]),
            incoming_c=arrange([c for _, c in self.incoming]),
            resets=resets.copy(),
        )
