"""The compiled engine: one XLA-compiled call per epoch, on models and programs reused across runs.

Building a Keras model and compiling its training loop costs seconds; training an epoch of the
Lab's default run costs a few tens of milliseconds. So the engine keeps, per task kind, recurrent layer
and number of units, one model with its Adam optimizer (a `Core`) that carries the state (every state
tensor of its layer: an LSTM's h and c, a GRU's or a SimpleRNN's h) in its compiled loop
instead of in the layer: it serves the stateful and the stateless model of every batch size,
window length and number of batches. Its calls are traced once per window length; XLA compiles
them once per batch size and window length (batches are padded, the loop bound is not baked
in), and the compiled programs persist on disk for other processes (statelab.engine.compile_cache).
A new engine's evaluation program compiles in a thread while its model trains.
Every run re-initialises the weights and the optimizer state from its seed: a run gives the same
numbers bit for bit whether its programs were just compiled, loaded or reused.

An `Engine` is a shape's view of its core (kept in a bounded, least recently used set). Dropping
a core frees its model, but TensorFlow keeps the XLA programs it compiled until the process ends:
recycling workers bounds that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial

from statelab.engine import compile_cache

compile_cache.enable_on_import()  # before TensorFlow's first operation: it reads TF_XLA_FLAGS then

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from statelab.engine.config import LabConfig  # noqa: E402
from statelab.engine.models import build_state_model, loss_for, recurrent_of, reinitialize, state_names  # noqa: E402
from statelab.engine.tasks import TaskSpec  # noqa: E402
from statelab.engine.tracing import step_through  # noqa: E402

MAX_ENGINES = 12  # engines kept per process: a shape has two (both models); the presets use 5 shapes
MIN_BATCHES = 128  # batches a program is compiled for, at least: the default run's training epoch
MAX_CORES = 8  # models with their compiled calls: one per task kind, layer and number of units


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
    layer: str = "lstm"  # the recurrent layer: "lstm", "gru" or "simple_rnn"

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
            config.layer,
        )


class Engine:
    """The engine of one shape: its compiled calls come from the shared `Core` of its task, layer, units."""

    def __init__(self, spec: TaskSpec, shape: Shape):
        self.shape = shape
        self.core = core_for(spec, shape.units, shape.layer)
        self.model, self.recurrent = self.core.model, self.core.recurrent
        calls = self.core.compiled(shape.timesteps)
        self.train_epoch = calls.train_epoch
        self.evaluate = calls.evaluate_stateful if shape.mode == "stateful" else calls.predict
        self.aside: threading.Thread | None = None  # the evaluation program compiling beside training

    def start(self, seed: int, learning_rate: float) -> None:
        """Start a run: the weights `build_model` draws for `seed`, a fresh Adam, a zero state."""
        self.core.start(seed, learning_rate)
        self.state = self.core.zero_state(self.shape.batch_size)

    def run_epoch(self, x: np.ndarray, y: np.ndarray, resets: np.ndarray) -> tuple[tf.Tensor, np.ndarray]:
        """One epoch on (batches, rows, ...) arrays: the mean loss, ‖h‖ of every row entering each batch.

        A stateless model starts every batch from a zero state: a reset before every batch.
        """
        if self.shape.mode == "stateless":
            resets = np.ones_like(resets)
        count = len(x)
        loss, entering, self.state = self.train_epoch(*padded_batches(x, y, resets), count, self.state)
        return loss, entering.numpy()[:count]

    def compile(self) -> None:
        """Compile this shape's programs (or load them from disk) by running each once on zeros.

        The weights and optimizer it changes are set again by `start` before every run.
        """
        shape, spec = self.shape, self.core.spec
        x = np.zeros((shape.batches, shape.batch_size, shape.timesteps, spec.features), np.float32)
        y = np.zeros(x.shape[:2] + ((shape.timesteps,) if spec.per_step else ()), np.float32)
        self.start(seed=0, learning_rate=0.01)
        self.run_epoch(x, y, np.ones(shape.batches, bool))
        if not self.await_aside():
            self.compile_evaluation()

    def compile_evaluation(self) -> None:
        """Compile this shape's evaluation program (or load it) by running it once on zeros, from a
        zero state: it changes no weight, optimizer or state, so it may run while the model trains."""
        shape = self.shape
        rows = (shape.eval_batches,) if shape.mode == "stateless" else (shape.eval_batches, shape.batch_size)
        held_out = np.zeros((*rows, shape.timesteps, self.core.spec.features), np.float32)
        self._evaluate_on(held_out, np.ones(shape.eval_batches, bool), self.core.zero_state(shape.batch_size))

    def compile_evaluation_aside(self) -> None:
        """Start compiling the evaluation program in a thread (XLA compiles outside Python's lock), so
        that on a free core it is ready when training ends; `run_evaluation` waits for it."""
        self.aside = threading.Thread(target=self.compile_evaluation, name="compile-evaluation", daemon=True)
        self.aside.start()

    def await_aside(self) -> bool:
        """Wait for the evaluation program compiling aside, if one is; whether one was."""
        aside, self.aside = self.aside, None
        if aside is not None:
            aside.join()
        return aside is not None

    def run_evaluation(self, x: np.ndarray, resets: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """Stateful: (outputs, entering state, per-step state) of held-out batches in order, the state
        stacked over the layer's state tensors ((h, c) or (h,)); stateless: the outputs of every window
        on its own."""
        self.await_aside()  # a failure there shows again here, in the run's own call
        outputs = self._evaluate_on(x, resets, self.state)
        if self.shape.mode == "stateless":
            return outputs.numpy()
        *parts, _ = outputs
        return tuple(part.numpy()[: len(x)] for part in parts)

    def _evaluate_on(self, x: np.ndarray, resets: np.ndarray | None, state: list[tf.Tensor]):
        """The evaluation program on held-out windows (stateless) or batches in order from `state`."""
        if self.shape.mode == "stateless":
            return self.evaluate(x)
        return self.evaluate(*padded_batches(x, resets), len(x), state)


@dataclass(frozen=True)
class Calls:
    """A core's XLA-compiled calls for one window length."""

    train_epoch: tf.types.experimental.PolymorphicFunction
    evaluate_stateful: tf.types.experimental.PolymorphicFunction
    predict: tf.types.experimental.PolymorphicFunction


class Core:
    """One model of a task, layer and size, its Adam optimizer and XLA-compiled calls, for every batch size,
    window length and number of batches, stateful or not.

    The state is carried by the compiled loop (reset where a mask says) instead of the layer's
    variables, so nothing here fixes the batch size: a stateless model is the same loop with a
    reset before every batch. The calls are traced once per window length (their signatures leave
    the other sizes open; XLA needs the window length to size the gradient's loop); XLA compiles
    them once per concrete shape, and batches are padded to a power of two so that other numbers of
    windows or stream groups reuse a program.
    """

    def __init__(self, spec: TaskSpec, units: int, layer: str):
        self.spec, self.units, self.layer = spec, units, layer
        self.key = core_key(spec, units, layer)
        self.model = build_state_model(spec, units, layer)
        self.recurrent = recurrent_of(self.model)
        self.loss = loss_for(spec)
        self.optimizer = keras.optimizers.Adam(name="adam")  # not "adam_1": names are in the programs
        self.optimizer.build(self.model.trainable_variables)
        self.mean_loss = keras.metrics.Mean(name="mean")  # the epoch's loss, averaged as `fit` averages it
        self.calls: dict[int, Calls] = {}

    def compiled(self, timesteps: int) -> Calls:
        """The compiled calls for windows of `timesteps` steps (traced at their first use)."""
        if timesteps not in self.calls:
            features, per_step = self.spec.features, self.spec.per_step
            windows = tf.TensorSpec([None, None, timesteps, features], tf.float32)
            targets = tf.TensorSpec([None, None, timesteps] if per_step else [None, None], tf.float32)
            resets, count = tf.TensorSpec([None], tf.bool), tf.TensorSpec([], tf.int32)
            state = [tf.TensorSpec([None, self.units], tf.float32)] * len(state_names(self.layer))
            # Without AutoGraph: the loops are explicit (tf.while_loop), and converting every function
            # they call (Keras's layers, loss and optimizer) cost a new process's first run about 0.5 s
            compile_ = partial(tf.function, jit_compile=True, autograph=False)
            calls = Calls(
                compile_(self._train_epoch, input_signature=[windows, targets, resets, count, state]),
                compile_(self._evaluate_stateful, input_signature=[windows, resets, count, state]),
                compile_(self._predict, input_signature=[tf.TensorSpec([None, timesteps, features])]),
            )
            for name, function in vars(calls).items():  # traced now, under names every process gives them
                with compile_cache.stable_names(f"{self.key}/{timesteps}/{name}"):
                    function.get_concrete_function()
            self.calls[timesteps] = calls
        return self.calls[timesteps]

    def start(self, seed: int, learning_rate: float) -> None:
        """Start a run: the weights `build_model` draws for `seed`, a fresh Adam."""
        reinitialize(self.model, seed)
        for variable in self.optimizer.variables:
            variable.assign(tf.zeros(variable.shape, variable.dtype))
        self.optimizer.learning_rate = learning_rate

    def zero_state(self, rows: tf.Tensor | int) -> list[tf.Tensor]:
        """A zero state for `rows` rows: one (rows, units) tensor per state tensor of the layer."""
        return [tf.zeros([rows, self.units]) for _ in state_names(self.layer)]

    def _train_epoch(self, x, y, resets, count, state):
        """One epoch, batch after batch, from `state` (the layer's state tensors): the mean loss, ‖h‖ of
        every row entering each batch, the state it ends in."""
        self.mean_loss.reset_state()

        def train_batch(batch, entering, state):
            state = reset_where(resets[batch], state)
            entering = entering.write(batch, tf.norm(state[0], axis=1))  # state[0]: h, for every layer
            return entering, self._train_step(x[batch], y[batch], state)

        entering = tf.TensorArray(tf.float32, size=tf.shape(x)[0])
        entering, state = batch_loop(count, tf.shape(x)[0], train_batch, (entering, state))
        return self.mean_loss.result(), entering.stack(), state

    def _train_step(self, x, y, state):
        """One batch inside a compiled loop: one Adam step from `state`; the state it ends in."""
        variables = self.model.trainable_variables
        with tf.GradientTape() as tape:
            outputs, *state = self.model([x, *state], training=True)
            value = self.loss(y, outputs)
        gradients = tape.gradient(value, variables)
        self.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        self.mean_loss.update_state(value, sample_weight=tf.shape(x)[0])
        return state

    def _predict(self, x):
        """Outputs for every window on its own, from a zero state."""
        return self.model([x, *self.zero_state(tf.shape(x)[0])], training=False)[0]

    def _evaluate_stateful(self, x, resets, count, state):
        """Held-out batches in order from `state`, resetting where `resets` says: outputs, the state
        entering each batch and at every step (stacked over the layer's state tensors), the state it
        ends in."""

        def evaluate_batch(batch, outputs, incoming, steps, state):
            state = reset_where(resets[batch], state)
            incoming = incoming.write(batch, tf.stack(state))
            steps = steps.write(batch, step_through(self.recurrent.cell, x[batch], state))
            output, *state = self.model([x[batch], *state], training=False)
            return outputs.write(batch, output), incoming, steps, state

        size = tf.shape(x)[0]
        arrays = [tf.TensorArray(tf.float32, size=size) for _ in range(3)]
        *arrays, state = batch_loop(count, size, evaluate_batch, (*arrays, state))
        return *(array.stack() for array in arrays), state


def reset_where(reset: tf.Tensor, state: list[tf.Tensor]) -> list[tf.Tensor]:
    """Every state tensor set to zero if `reset` (a scalar: the whole batch), kept if not."""
    return [tf.where(reset, tf.zeros_like(part), part) for part in state]


def batch_loop(count: tf.Tensor, size: tf.Tensor, body, loop_vars: tuple) -> tuple:
    """`loop_vars = body(batch, *loop_vars)` for the first `count` of `size` batches, in a compiled call.

    The bound is the padded size, not `count`: XLA then compiles one program for any `count`.
    """
    return tf.while_loop(
        lambda batch, *_: batch < count,
        lambda batch, *loop_vars: (batch + 1, *body(batch, *loop_vars)),
        (tf.constant(0), *loop_vars),
        maximum_iterations=size,
    )[1:]


def padded_batches(*arrays: np.ndarray) -> list[np.ndarray]:
    """Arrays of (batches, ...) padded with zeros to a power of two batches, at least MIN_BATCHES."""
    size = max(MIN_BATCHES, 1 << (len(arrays[0]) - 1).bit_length())
    return [
        np.concatenate([array, np.zeros((size - len(array), *array.shape[1:]), array.dtype)])
        for array in arrays
    ]


_CORES: OrderedDict[str, Core] = OrderedDict()


def core_key(spec: TaskSpec, units: int, layer: str) -> str:
    """What fixes a core: the task's inputs, head and loss, the recurrent layer and the number of units.

    It also names the core's traced calls (`compile_cache.stable_names`), so a program compiled on
    disk for one layer is never taken for another's.
    """
    return f"{spec.kind}-{spec.features}-{spec.classes}-{spec.per_step}-{layer}-{units}"


def core_for(spec: TaskSpec, units: int, layer: str) -> Core:
    """The core of a task's kind, a layer and a number of units: reused, or built (the oldest dropped)."""
    key = core_key(spec, units, layer)
    if key not in _CORES:
        while len(_CORES) >= MAX_CORES:
            _CORES.popitem(last=False)
        _CORES[key] = Core(spec, units, layer)
    _CORES.move_to_end(key)
    return _CORES[key]


_ENGINES: OrderedDict[Shape, Engine] = OrderedDict()


def engine_for(spec: TaskSpec, shape: Shape) -> Engine:
    """The engine of a shape: reused when it was built before, built (and the oldest dropped) if not.

    A new engine's evaluation program starts compiling aside at once: it is most likely new too.
    """
    if shape in _ENGINES:
        _ENGINES.move_to_end(shape)
        return _ENGINES[shape]
    while len(_ENGINES) >= MAX_ENGINES:
        _ENGINES.popitem(last=False)
    _ENGINES[shape] = Engine(spec, shape)
    _ENGINES[shape].compile_evaluation_aside()
    return _ENGINES[shape]


def cached_shapes() -> list[Shape]:
    """The shapes whose engines this process keeps, oldest first."""
    return list(_ENGINES)


def as_batches(samples: np.ndarray, batch_size: int) -> np.ndarray:
    """(samples, ...) -> (batches, batch_size, ...)."""
    return samples.reshape(-1, batch_size, *samples.shape[1:])
