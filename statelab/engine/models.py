"""Keras 3 model builders: a stateful and a stateless recurrent model with the same architecture and weights.

The recurrent layer is an LSTM, a GRU or a SimpleRNN (`LabConfig.layer`), named by its id in the model.
"""

from __future__ import annotations

import keras
import numpy as np

from statelab.engine.config import LAYERS
from statelab.engine.tasks import TaskSpec


def build_model(
    spec: TaskSpec,
    timesteps: int,
    units: int,
    seed: int,
    batch_size: int | None = None,
    layer: str = "lstm",
) -> keras.Model:
    """A Functional recurrent model; stateful when `batch_size` is given (`keras.Input(batch_shape=...)`)."""
    if batch_size is None:
        inputs = keras.Input(shape=(timesteps, spec.features), name="windows")
    else:
        inputs = keras.Input(batch_shape=(batch_size, timesteps, spec.features), name="windows")
    hidden = recurrent_layer(spec, units, seed, layer, stateful=batch_size is not None)(inputs)
    outputs = output_head(spec, seed)(hidden)
    return keras.Model(inputs, outputs, name="stateful" if batch_size else "stateless")


def state_names(layer: str) -> tuple[str, ...]:
    """The state tensors a layer carries from one batch to the next: an LSTM h and c, a GRU or SimpleRNN h."""
    check_layer(layer)
    return ("h", "c") if layer == "lstm" else ("h",)


def build_state_model(spec: TaskSpec, units: int, layer: str) -> keras.Model:
    """The same layers with the state as explicit inputs and outputs: (windows, *state) -> (outputs, *state),
    the state being the layer's tensors (`state_names`): (h, c) for an LSTM, h for a GRU or SimpleRNN.

    Any batch size and window length: the compiled engine carries the state itself, so one such
    model serves the stateful and the stateless model of every batch size and window length.
    """
    inputs = keras.Input(shape=(None, spec.features), name="windows")
    state = [keras.Input(shape=(units,), name=name) for name in state_names(layer)]
    hidden, *final = recurrent_layer(spec, units, 0, layer, stateful=False, return_state=True)(
        inputs, initial_state=state
    )
    return keras.Model([inputs, *state], [output_head(spec, seed=0)(hidden), *final], name="state_passing")


def recurrent_layer(
    spec: TaskSpec, units: int, seed: int, layer: str, stateful: bool, return_state: bool = False
) -> keras.layers.RNN:
    """The seeded recurrent layer of the models: keras.layers.LSTM, GRU or SimpleRNN, named by its id."""
    check_layer(layer)
    kernel, recurrent_kernel, _ = kernel_initializers(seed)
    return getattr(keras.layers, LAYERS[layer])(
        units,
        stateful=stateful,
        return_sequences=spec.per_step,
        return_state=return_state,
        kernel_initializer=kernel,
        recurrent_initializer=recurrent_kernel,
        name=layer,
    )


def output_head(spec: TaskSpec, seed: int) -> keras.layers.Layer:
    """The seeded head: the Dense output layer, applied at every step ("per_step") for per-step tasks."""
    head = output_layer(spec, kernel_initializers(seed)[2])
    return keras.layers.TimeDistributed(head, name="per_step") if spec.per_step else head


def kernel_initializers(seed: int) -> tuple[keras.initializers.Initializer, ...]:
    """The seeded initializers of the recurrent layer's kernel, its recurrent kernel and the head's kernel."""
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


def check_layer(layer: str) -> None:
    """A ValueError naming the choices unless `layer` is a key of LAYERS."""
    if layer not in LAYERS:
        raise ValueError(f"Unknown layer {layer!r}: choose one of {', '.join(LAYERS)}.")


def recurrent_of(model: keras.Model) -> keras.layers.RNN:
    """The recurrent layer of a model made by `build_model`: the one named by a key of LAYERS."""
    return next(layer for layer in model.layers if layer.name in LAYERS)


def reinitialize(model: keras.Model, seed: int) -> None:
    """Give a model made by `build_model` the weights it starts from with `seed`, without rebuilding it."""
    recurrent = recurrent_of(model)
    cell = recurrent.cell
    per_step = any(layer.name == "per_step" for layer in model.layers)
    head = model.get_layer("per_step").layer if per_step else model.get_layer("head")
    kernels = (cell.kernel, cell.recurrent_kernel, head.kernel)
    for variable, initializer in zip(kernels, kernel_initializers(seed), strict=True):
        variable.assign(initializer(variable.shape, variable.dtype))
    bias = np.zeros(cell.bias.shape, cell.bias.dtype)  # GRU and SimpleRNN: zeros
    if recurrent.name == "lstm":  # gates i, f, c, o: unit_forget_bias sets the forget gate's bias to 1
        bias[cell.units : 2 * cell.units] = 1
    cell.bias.assign(bias)
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
