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
    kernel, recurrent_kernel, head_kernel = kernel_initializers(seed)
    hidden = keras.layers.LSTM(
        units,
        stateful=batch_size is not None,
        return_sequences=spec.per_step,
        kernel_initializer=kernel,
        recurrent_initializer=recurrent_kernel,
        name="lstm",
    )(inputs)
    head = output_layer(spec, head_kernel)
    outputs = keras.layers.TimeDistributed(head, name="per_step")(hidden) if spec.per_step else head(hidden)
    return keras.Model(inputs, outputs, name="stateful" if batch_size else "stateless")


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
