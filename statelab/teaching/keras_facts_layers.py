"""Keras 3 behaviour of the other recurrent layers, measured live: the state tensors each keeps and how
`reset_state` clears them, what a stateful `Bidirectional` carries from batch to batch, and what
changes in one-step forecasting with a GRU (lesson 10's copy recipe, `copy_into_single_stream`, takes a
layer too).

Like keras_facts, every function imports Keras inside and returns plain values; only workers call them.
"""

from __future__ import annotations

import numpy as np

from statelab.teaching.keras_facts import attempt, make_inputs

LAYER_CLASSES = ("LSTM", "GRU", "SimpleRNN")


def _stateful(layer, batch_size: int, timesteps: int | None):
    """A stateful model of one recurrent layer (or wrapper) on (batch_size, timesteps, 1) inputs.

    Create the layer after `keras.utils.set_random_seed`: Keras draws an unseeded initializer's seed
    when the layer is created.
    """
    import keras

    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1))
    return keras.Model(inputs, layer(inputs))


def state_tensors(batch_size: int = 4, timesteps: int = 5, units: int = 3) -> dict:
    """Per layer: its state tensors (shapes and variable paths), their sizes after one batch and after
    `reset_state()`, the outputs of `return_state=True`, and the LSTM idiom `h, c = layer.states` on it."""
    import keras

    x = make_inputs(batch_size, timesteps)
    measured = {}
    for name in (*LAYER_CLASSES, *(f"Bidirectional({name})" for name in ("LSTM", "GRU"))):
        keras.utils.set_random_seed(0)
        model = _stateful(_layer(name, units, stateful=True), batch_size, timesteps)
        layer = model.layers[-1]
        model.predict_on_batch(x)
        after_batch = [float(np.linalg.norm(state.numpy())) for state in layer.states]
        layer.reset_state()
        returned = _layer(name, units, return_state=True)(keras.Input((timesteps, 1)))
        measured[name] = {
            "shapes": [tuple(state.shape) for state in layer.states],
            "paths": [state.path for state in layer.states],
            "after_batch": after_batch,
            "after_reset": [float(np.abs(state.numpy()).max()) for state in layer.states],
            "return_state_outputs": len(returned),
            "unpack_h_c": attempt(lambda layer=layer: _unpack_h_c(layer)),
        }
    return {
        "batch_size": batch_size,
        "units": units,
        "layers": measured,
        "simple_rnn_step_vs_tanh": _simple_rnn_step_vs_tanh(units),
    }


def _simple_rnn_step_vs_tanh(units: int) -> float:
    """How far one SimpleRNN step is from tanh(x W + h U + b) computed by hand with its weights."""
    import keras

    layer = keras.layers.SimpleRNN(units, stateful=True)
    model = _stateful(layer, 2, 1)
    h = np.random.default_rng(3).normal(size=(2, units)).astype("float32")
    layer.states[0].assign(h)
    x = make_inputs(2, 1, seed=4)
    kernel, recurrent_kernel, bias = layer.get_weights()
    return float(
        np.abs(model.predict_on_batch(x) - np.tanh(x[:, 0] @ kernel + h @ recurrent_kernel + bias)).max()
    )


def _layer(name: str, units: int, **options):
    """keras.layers.LSTM / GRU / SimpleRNN(units, **options), or one of them in a Bidirectional."""
    import keras

    inner = name.removeprefix("Bidirectional(").removesuffix(")")
    layer = getattr(keras.layers, inner)(units, **options)
    return keras.layers.Bidirectional(layer) if name != inner else layer


def _unpack_h_c(layer) -> list[str]:
    """The LSTM idiom `h, c = layer.states`: the paths of the variables it names h and c."""
    h, c = layer.states
    return [h.path, c.path]


def bidirectional_carry(batch_size: int = 2, timesteps: int = 5, units: int = 3) -> dict:
    """A stateful Bidirectional(LSTM) fed a stream as two consecutive windows, against one stateless
    Bidirectional reading the whole stream, same weights: what each direction carries across the boundary."""
    import keras

    stream = make_inputs(batch_size, 2 * timesteps) - 0.5
    first, second = stream[:, :timesteps], stream[:, timesteps:]
    keras.utils.set_random_seed(0)
    wrapper = keras.layers.Bidirectional(keras.layers.LSTM(units, stateful=True, return_sequences=True))
    model = _stateful(wrapper, batch_size, timesteps)
    outputs = [model.predict_on_batch(first)]
    carried = [state.numpy() for state in wrapper.backward_layer.states]  # entering the next batch
    outputs.append(model.predict_on_batch(second))
    pieces = np.concatenate(outputs, axis=1)
    whole_model = _whole_bidirectional(units, 2 * timesteps, model.get_weights())
    whole = whole_model.predict_on_batch(stream)
    other_future = stream.copy()
    other_future[:, timesteps:] = make_inputs(batch_size, timesteps, seed=7) - 0.5
    backward = _backward_reader(units, timesteps, wrapper.backward_layer.get_weights())
    zero = [np.zeros_like(state) for state in carried]
    nudged = first.copy()
    nudged[:, -1] += 1.0  # the first window's last step only, read again from a zero state
    wrapper.reset_state()
    first_step = np.abs(model.predict_on_batch(nudged)[:, 0] - outputs[0][:, 0])
    return {
        "stateful": bool(wrapper.stateful),
        "first_step_forward_sees_its_windows_last_step": float(first_step[:, :units].max()),
        "first_step_backward_sees_its_windows_last_step": float(first_step[:, units:].max()),
        "state_tensors": len(wrapper.states),
        "carried_backward_norm": float(np.linalg.norm(carried[0])),
        "forward_vs_whole": float(np.abs(pieces[..., :units] - whole[..., :units]).max()),
        "backward_vs_whole": float(np.abs(pieces[..., units:] - whole[..., units:]).max()),
        # window 2's backward outputs: window 2 read from its last step, starting from the state the
        # backward pass ended window 1 with (after reading window 1 back to its first step)
        "backward_vs_carried_start": float(
            np.abs(backward.predict_on_batch([second, *carried])[:, ::-1] - outputs[1][..., units:]).max()
        ),
        "backward_vs_zero_start": float(
            np.abs(backward.predict_on_batch([second, *zero])[:, ::-1] - outputs[1][..., units:]).max()
        ),
        "whole_window_1_sees_window_2": float(
            np.abs(
                whole_model.predict_on_batch(other_future)[:, :timesteps, units:]
                - whole[:, :timesteps, units:]
            ).max()
        ),
    }


def _whole_bidirectional(units: int, timesteps: int, weights: list):
    """A stateless Bidirectional(LSTM) reading the whole stream at once, with the given weights."""
    import keras

    inputs = keras.Input((timesteps, 1))
    model = keras.Model(
        inputs, keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))(inputs)
    )
    model.set_weights(weights)
    return model


def _backward_reader(units: int, timesteps: int, weights: list):
    """An LSTM reading a window from its last step (go_backwards) from a given (h, c)."""
    import keras

    inputs, h, c = keras.Input((timesteps, 1)), keras.Input((units,)), keras.Input((units,))
    layer = keras.layers.LSTM(units, return_sequences=True, go_backwards=True)
    model = keras.Model([inputs, h, c], layer(inputs, initial_state=[h, c]))
    layer.set_weights(weights)
    return model
