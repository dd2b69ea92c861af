"""Keras 3 model builders: a stateful and a stateless LSTM with the same architecture and weights."""

from __future__ import annotations

import keras

from statelab.tasks import TaskSpec


def build_model(
    spec: TaskSpec, timesteps: int, units: int, seed: int, batch_size: int | None = None
) -> keras.Model:
    """A Functional LSTM model; stateful when `batch_size` is given (`keras.Input(batch_shape=...)`)."""
    if batch_size is None:
        inputs = keras.Input(shape=(timesteps, spec.features), name="windows")
    else:
        inputs = keras.Input(batch_shape=(batch_size, timesteps, spec.features), name="windows")
    hidden = keras.layers.LSTM(
        units,
        stateful=batch_size is not None,
        return_sequences=spec.per_step,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
        name="lstm",
    )(inputs)
    head = output_layer(spec, seed + 2)
    outputs = keras.layers.TimeDistributed(head, name="per_step")(hidden) if spec.per_step else head(hidden)
    return keras.Model(inputs, outputs, name="stateful" if batch_size else "stateless")


def output_layer(spec: TaskSpec, seed: int) -> keras.layers.Dense:
    """The Dense head: sigmoid for binary, softmax for multiclass, linear for regression."""
    initializer = keras.initializers.GlorotUniform(seed=seed)
    if spec.kind == "binary":
        return keras.layers.Dense(1, activation="sigmoid", kernel_initializer=initializer, name="head")
    if spec.kind == "multiclass":
        return keras.layers.Dense(
            spec.classes, activation="softmax", kernel_initializer=initializer, name="head"
        )
    return keras.layers.Dense(1, kernel_initializer=initializer, name="head")


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
