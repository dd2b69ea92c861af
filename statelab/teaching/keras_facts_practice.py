"""Keras 3 behaviour for the practitioner's lessons (9-11), measured live: fit and predict without a
batch size, what carried state has read under each window layout, copying weights and a state row
into a batch-1 model, and resets in stacked layers.

Like keras_facts, every function imports Keras inside and returns plain values; only workers call them.
"""

from __future__ import annotations

import numpy as np

from statelab.teaching.keras_facts import attempt, build_stateful_model, make_inputs, state_norm
from statelab.teaching.keras_facts_resets import lesson_code, nested_model_resets


def default_batch_size(batch_size: int = 4, timesteps: int = 5, units: int = 8, samples: int = 64) -> dict:
    """fit, predict and evaluate of a stateful model without batch_size, then a correct fit on that same
    model object; and a fresh model with batch_size."""
    x, y = make_inputs(samples, timesteps), make_inputs(samples, 1, seed=1)[:, :, 0]

    def fresh():
        model = build_stateful_model(batch_size, timesteps, units)[0]
        model.compile(optimizer="adam", loss="mse")
        return model

    without, with_size = fresh(), fresh()  # a failed fit leaves a model that later fits cannot use
    return {
        "batch_size": batch_size,
        "samples": samples,
        "fit_default": attempt(lambda: without.fit(x, y, epochs=1, shuffle=False, verbose=0) and None),
        "predict_default": attempt(lambda: without.predict(x, verbose=0).shape),
        "evaluate_default": attempt(lambda: without.evaluate(x, y, verbose=0)),
        "fit_after_failed_fit": attempt(  # the same model object, now with the right batch size
            lambda: without.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0) and None
        ),
        "fit_with_batch_size": attempt(
            lambda: with_size.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0) and None
        ),
        "predict_with_batch_size": attempt(
            lambda: with_size.predict(x, batch_size=batch_size, verbose=0).shape
        ),
    }


def build_single_stream_model(units: int, weights: list | None = None, seed: int = 0):
    """A stateful LSTM for one stream of any length (batch_shape (1, None, 1)) with a linear head."""
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(batch_shape=(1, None, 1))
    lstm = keras.layers.LSTM(units, stateful=True, name="lstm")
    model = keras.Model(inputs, keras.layers.Dense(1, name="head")(lstm(inputs)))
    if weights is not None:
        model.set_weights(weights)
    return model, lstm


def window_carry(timesteps: int = 5, length: int = 20, units: int = 8) -> dict:
    """The state a stateful layer carries after one stream fed as consecutive windows, and as sliding
    windows (stride 1), against the state after reading the stream once in a single call."""
    model, lstm = build_single_stream_model(units)
    stream = make_inputs(1, length)
    layouts = {
        "consecutive": range(0, length - timesteps + 1, timesteps),
        "sliding": range(length - timesteps + 1),
    }
    lstm.reset_state()
    model.predict_on_batch(stream)
    whole = lstm.states[0].numpy()
    measured = {}
    for name, starts in layouts.items():
        lstm.reset_state()
        for start in starts:
            model.predict_on_batch(stream[:, start : start + timesteps])
        measured[name] = {
            "windows": len(starts),
            "steps_read": len(starts) * timesteps,
            "vs_whole_stream": float(np.abs(lstm.states[0].numpy() - whole).max()),
        }
    return {"timesteps": timesteps, "length": length, "whole_norm": float(np.linalg.norm(whole)), **measured}


def copy_into_single_stream(batch_size: int = 4, timesteps: int = 5, units: int = 8, row: int = 2) -> dict:
    """Weights of a stateless model copied into a batch-1 stateful one; a state row copied from a
    batch-4 stateful model continues that row's stream."""
    import keras

    keras.utils.set_random_seed(0)
    stateless = keras.Sequential([keras.Input((None, 1)), keras.layers.LSTM(units), keras.layers.Dense(1)])
    single, single_lstm = build_single_stream_model(units)
    copied = attempt(lambda: single.set_weights(stateless.get_weights()))
    history = make_inputs(1, 4 * timesteps)
    one_call = single.predict_on_batch(history)
    single_lstm.reset_state()
    for step in range(history.shape[1]):  # one step at a time: the carried state does the rest
        stepwise = single.predict_on_batch(history[:, step : step + 1])
    big, big_lstm = build_stateful_model(batch_size, timesteps, units)
    big.set_weights(stateless.get_weights())
    streams = make_inputs(batch_size, 3 * timesteps, seed=2)
    for window in range(2):
        big.predict_on_batch(streams[:, window * timesteps : (window + 1) * timesteps])
    for state, source in zip(single_lstm.states, big_lstm.states, strict=True):
        state.assign(source.numpy()[row : row + 1])
    next_window = streams[:, 2 * timesteps :]
    return {
        "copied": copied,
        "single_input_shape": tuple(single.inputs[0].shape),
        "stateless_vs_stateful_one_call": float(np.abs(stateless.predict_on_batch(history) - one_call).max()),
        "stepwise_vs_one_call": float(np.abs(stepwise - one_call).max()),
        "stepwise_vs_stateless": float(np.abs(stepwise - stateless.predict_on_batch(history)).max()),
        "row": row,
        "row_continued": float(
            np.abs(
                single.predict_on_batch(next_window[row : row + 1]) - big.predict_on_batch(next_window)[row]
            ).max()
        ),
    }


def build_stacked_model(batch_size: int, timesteps: int, units: int):
    """Two stacked stateful LSTMs (the lower one with return_sequences=True) and a linear head."""
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1))
    lower = keras.layers.LSTM(units, stateful=True, return_sequences=True, name="lower")
    upper = keras.layers.LSTM(units, stateful=True, name="upper")
    return keras.Model(inputs, keras.layers.Dense(1, name="head")(upper(lower(inputs)))), lower, upper


def stacked_resets(batch_size: int = 4, timesteps: int = 5, units: int = 8) -> dict:
    """Output shapes with and without return_sequences, stacking without it, and resetting one layer
    of two stacked stateful LSTMs against resetting both."""
    import keras

    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1))
    model, lower, upper = build_stacked_model(batch_size, timesteps, units)
    x = make_inputs(batch_size, timesteps)
    first = model.predict_on_batch(x)
    upper.reset_state()
    norms_after_upper_reset = [state_norm(lower), state_norm(upper)]
    after_upper_only = model.predict_on_batch(x)
    for layer in lesson_code("stateful_resets").stateful_layers(model):
        layer.reset_state()
    norms_after_all_reset = [state_norm(lower), state_norm(upper)]
    after_both = model.predict_on_batch(x)
    return {
        "shape_sequences": tuple(keras.layers.LSTM(units, return_sequences=True)(inputs).shape),
        "shape_last": tuple(keras.layers.LSTM(units)(inputs).shape),
        "stack_without_sequences": attempt(
            lambda: keras.layers.LSTM(units)(keras.layers.LSTM(units)(inputs)) and None
        ),
        "state_shapes": {layer.name: [tuple(s.shape) for s in layer.states] for layer in (lower, upper)},
        "layers": [lower.name, upper.name],
        "norms_after_upper_reset": norms_after_upper_reset,
        "norms_after_all_reset": norms_after_all_reset,
        "upper_only_vs_first": float(np.abs(after_upper_only - first).max()),
        "both_vs_first": float(np.abs(after_both - first).max()),
        **nested_model_resets(batch_size, timesteps, units),
    }
