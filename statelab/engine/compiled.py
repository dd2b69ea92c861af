"""The compiled engine: per shape, a model, its optimizer and one XLA-compiled call per epoch, reused.

Building a Keras model and compiling its training loop costs about a second; training an epoch of
the Lab's default run costs a few tens of milliseconds. So the engine keeps, per shape and mode, a
built model with its Adam optimizer and compiled functions (a bounded, least recently used set),
and every run re-initialises the weights and the optimizer state from its seed. A run gives the
same numbers bit for bit whether its engine was just built or reused.

Dropping an engine frees its model, but TensorFlow keeps the XLA programs it compiled until the
process ends (measured: about 40 MiB per new shape, both models): recycling workers bounds that.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from statelab.engine.config import LabConfig
from statelab.engine.models import build_model, loss_for, reinitialize
from statelab.engine.tasks import TaskSpec
from statelab.engine.tracing import step_through

MAX_ENGINES = 12  # engines kept per process: a shape has two (both models); the presets use 5 shapes


@dataclass(frozen=True)
class Shape:
    """What fixes a compiled engine: the model's shapes and the number of batches per pass."""

    mode: str  # "stateful" or "stateless"
    kind: str  # the task's kind: its head and loss
    features: int
    classes: int
    per_step: bool
    timesteps: int
    units: int
    batch_size: int
    batches: int  # training batches per epoch
    eval_batches: int  # held-out batches (stateful) or windows (stateless)

    @classmethod
    def of(cls, spec: TaskSpec, config: LabConfig, mode: str) -> Shape:
        """The shape of one model of a config."""
        eval_windows = config.eval_groups * config.n_windows
        return cls(
            mode,
            spec.kind,
            spec.features,
            spec.classes,
            spec.per_step,
            config.timesteps,
            config.units,
            config.batch_size,
            config.batches_per_epoch,
            eval_windows if mode == "stateful" else eval_windows * config.batch_size,
        )


class Engine:
    """One built model of a shape with its optimizer and XLA-compiled epoch and evaluation."""

    def __init__(self, spec: TaskSpec, shape: Shape):
        self.shape = shape
        batch_size = shape.batch_size if shape.mode == "stateful" else None
        self.model = build_model(spec, shape.timesteps, shape.units, seed=0, batch_size=batch_size)
        self.lstm = self.model.get_layer("lstm")
        self.loss = loss_for(spec)
        self.optimizer = keras.optimizers.Adam()
        self.optimizer.build(self.model.trainable_variables)
        self.mean_loss = keras.metrics.Mean()  # the epoch's loss, averaged as `fit` averages it
        self.train_epoch = tf.function(self._train_epoch, jit_compile=True)
        self.evaluate = tf.function(
            self._evaluate_stateful if shape.mode == "stateful" else self._predict, jit_compile=True
        )

    def start(self, seed: int, learning_rate: float) -> None:
        """Start a run: the weights `build_model` draws for `seed`, a fresh Adam, a zero state."""
        reinitialize(self.model, seed)
        for variable in self.optimizer.variables:
            variable.assign(tf.zeros(variable.shape, variable.dtype))
        self.optimizer.learning_rate = learning_rate
        self._zero_state(True)

    def _zero_state(self, reset) -> None:
        """Set the stateful layer's state to zero where `reset` is true (a scalar: the whole batch)."""
        for state in self.lstm.states or ():
            state.assign(tf.where(reset, tf.zeros_like(state), state))

    def _train_epoch(self, x, y, resets):
        """One epoch, batch after batch: (mean loss, ‖h‖ of every row entering each batch)."""
        self.mean_loss.reset_state()
        entering = tf.TensorArray(tf.float32, size=self.shape.batches)
        for batch in tf.range(self.shape.batches):
            entering = entering.write(batch, self.train_step(x[batch], y[batch], resets[batch]))
        return self.mean_loss.result(), entering.stack()

    def train_step(self, x, y, reset):
        """One batch inside a compiled loop: reset if flagged, one Adam step; ‖h‖ of the rows entering it."""
        self._zero_state(reset)
        entering = tf.norm(self.lstm.states[0], axis=1) if self.lstm.stateful else tf.zeros(x.shape[0])
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            value = self.loss(y, self.model(x, training=True))
        gradients = tape.gradient(value, variables)
        self.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        self.mean_loss.update_state(value, sample_weight=tf.shape(x)[0])
        return entering

    def _predict(self, x):
        """Outputs for every window on its own, from a zero state."""
        return self.model(x, training=False)

    def _evaluate_stateful(self, x, resets):
        """Held-out batches in order, resetting where `resets` says: outputs and the state at every step."""
        batches = self.shape.eval_batches
        outputs, incoming, steps = (tf.TensorArray(tf.float32, size=batches) for _ in range(3))
        for batch in tf.range(batches):
            self._zero_state(resets[batch])
            h, c = (tf.convert_to_tensor(state) for state in self.lstm.states)
            incoming = incoming.write(batch, tf.stack([h, c]))
            steps = steps.write(batch, step_through(self.lstm.cell, x[batch], h, c))
            outputs = outputs.write(batch, self.model(x[batch], training=False))
        return outputs.stack(), incoming.stack(), steps.stack()


_ENGINES: OrderedDict[Shape, Engine] = OrderedDict()


def engine_for(spec: TaskSpec, shape: Shape) -> Engine:
    """The engine of a shape: reused when it was built before, built (and the oldest dropped) if not."""
    if shape in _ENGINES:
        _ENGINES.move_to_end(shape)
        return _ENGINES[shape]
    while len(_ENGINES) >= MAX_ENGINES:
        _ENGINES.popitem(last=False)
    _ENGINES[shape] = Engine(spec, shape)
    return _ENGINES[shape]


def cached_shapes() -> list[Shape]:
    """The shapes whose engines this process keeps, oldest first."""
    return list(_ENGINES)


def as_batches(samples: np.ndarray, batch_size: int) -> np.ndarray:
    """(samples, ...) -> (batches, batch_size, ...)."""
    return samples.reshape(-1, batch_size, *samples.shape[1:])
