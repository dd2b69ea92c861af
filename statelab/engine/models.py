"""Keras 3 model builders: a stateful and a stateless LSTM with the same architecture and weights."""

from __future__ import annotations

import keras
import numpy as np

from statelab.engine.tasks import TaskSpec


def build_model(
    spec: TaskSpec, timesteps: int, units: int, seed: int, batch_size: int | None = None
) -> keras.Model:
    """A Functional LSTM model; stateful when `batch_size` is given (`keras.Input(batch_shape=...)`)."""
    if batch_size is None:
        inputs = keras.Input(shape=(timesteps, spec.features), name="windows")
    else:
        inputs = keras.Input(batch_shape=(batch_size, timesteps, spec.features), name="windows")
    hidden = recurrent_layer(spec, units, seed, stateful=batch_size is not None)(inputs)
    outputs = output_head(spec, seed)(hidden)
    return keras.Model(inputs, outputs, name="stateful" if batch_size else "stateless")


def build_state_model(spec: TaskSpec, units: int) -> keras.Model:
    """The same layers with the state as explicit inputs and outputs: (windows, h, c) -> (outputs, h, c).

    Any batch size and window length: the compiled engine carries the state itself, so one such
    model serves the stateful and the stateless model of every batch size and window length.
    """
    inputs = keras.Input(shape=(None, spec.features), name="windows")
    state = [keras.Input(shape=(units,), name=name) for name in ("h", "c")]
    hidden, h, c = recurrent_layer(spec, units, seed=0, stateful=False, return_state=True)(
        inputs, initial_state=state
    )
    return keras.Model([inputs, *state], [output_head(spec, seed=0)(hidden), h, c], name="state_passing")


def recurrent_layer(
    spec: TaskSpec, units: int, seed: int, stateful: bool, return_state: bool = False
) -> keras.layers.LSTM:
    """The seeded LSTM layer of the models, named "lstm"."""
    kernel, recurrent_kernel, _ = kernel_initializers(seed)
    return keras.layers.LSTM(
        units,
        stateful=stateful,
        return_sequences=spec.per_step,
        return_state=return_state,
        kernel_initializer=kernel,
        recurrent_initializer=recurrent_kernel,
        name="lstm",
    )


def output_head(spec: TaskSpec, seed: int) -> keras.layers.Layer:
    """The seeded head: the Dense output layer, applied at every step ("per_step") for per-step tasks."""
    head = output_layer(spec, kernel_initializers(seed)[2])
    return keras.layers.TimeDistributed(head, name="per_step") if spec.per_step else head


def kernel_initializers(seed: int) -> tuple[keras.initializers.Initializer, ...]:
    """The seeded initializers of the LSTM's kernel, its recurrent kernel and the head's kernel."""
    return (
        keras.initializers.GlorotUniform(seed=seed),
        keras.initializers.Orthogonal(seed=seed + 1),
        keras.initializers.GlorotUniform(seed=seed + 2),
    )


def output_layer(spec: TaskSpec, initializer: keras.initializers.Initializer) -> keras.layers.Dense:
    """The Dense head: sigmoid for binary, softmax for multiclass, linear for regression."""
    if spec.kind == "binary":
        return keras.layers.Dense(1, activation="sigmoid", kernel_initializer=initializer, name="head")
    if spec.kind == "multiclass":
        return keras.layers.Dense(
            spec.classes, activation="softmax", kernel_initializer=initializer, name="head"
        )
    return keras.layers.Dense(1, kernel_initializer=initializer, name="head")


def reinitialize(model: keras.Model, seed: int) -> None:
    """Give a model made by `build_model` the weights it starts from with `seed`, without rebuilding it."""
    cell = model.get_layer("lstm").cell
    per_step = any(layer.name == "per_step" for layer in model.layers)
    head = model.get_layer("per_step").layer if per_step else model.get_layer("head")
    kernels = (cell.kernel, cell.recurrent_kernel, head.kernel)
    for variable, initializer in zip(kernels, kernel_initializers(seed), strict=True):
        variable.assign(initializer(variable.shape, variable.dtype))
    forget_gate = np.arange(4 * cell.units) // cell.units == 1  # gates i, f, c, o: unit_forget_bias
    cell.bias.assign(forget_gate.astype(cell.bias.dtype))
    head.bias.assign(np.zeros(head.bias.shape, head.bias.dtype))


def loss_for(spec: TaskSpec) -> keras.losses.Loss:
    """The training loss that matches the task's kind."""
    if spec.kind == "binary":
        return keras.losses.BinaryCrossentropy()
    if spec.kind == "multiclass":
        return keras.losses.SparseCategoricalCrossentropy()
    return keras.losses.MeanSquaredError()


def stateful_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's stateful layers, those inside nested models included (`model.layers` does not recurse)."""
    found = []
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found += stateful_layers(layer)
    return found


def reset_states(model: keras.Model) -> None:
    """Reset every stateful layer: Keras 3 has no `model.reset_states()`, only `layer.reset_state()`."""
    for layer in stateful_layers(model):
        layer.reset_state()
