"""Keras 3 behaviour, measured live: small experiments that run real Keras and return plain values.

The lessons quote these results (error texts included) instead of hard-coding them, and
tests/test_keras_facts.py checks them, so a Keras upgrade that changes the truth turns the suite red.
Every function imports Keras inside: importing this module stays cheap, but only workers call it.
"""

from __future__ import annotations

import inspect
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TRACE_LINE = re.compile(r"^\s*(File |Detected at node|\[\[\{\{node|\t|$)")


def error_text(error: BaseException) -> dict:
    """An exception as {"type", "message"}: Keras's own words, without colour codes or traceback lines."""
    message = ANSI.sub("", str(error)).split("\n\nArguments received by")[0]
    if "Graph execution error" in message:
        kept = [line.strip() for line in message.splitlines() if not TRACE_LINE.match(line)]
        message = "\n".join(line for line in kept if not line.startswith("[Op:"))
    return {
        "type": type(error).__name__,
        "message": "\n".join(line.rstrip() for line in message.splitlines()),
    }


def attempt(action: Callable[[], object]) -> dict:
    """Run one Keras call: {"ok": True, "value": ...} or {"ok": False, "type": ..., "message": ...}."""
    try:
        return {"ok": True, "value": action()}
    except Exception as error:  # the point is to capture what Keras raises, whatever it is
        return {"ok": False, **error_text(error)}


def build_stateful_model(batch_size: int, timesteps: int, units: int, features: int = 1, seed: int = 0):
    """A small Functional stateful LSTM (declared the Keras 3 way) with a linear head, and its LSTM layer."""
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(batch_shape=(batch_size, timesteps, features))
    lstm = keras.layers.LSTM(units, stateful=True, name="lstm")
    model = keras.Model(inputs, keras.layers.Dense(1, name="head")(lstm(inputs)))
    return model, lstm


def state_norm(layer) -> float:
    """‖h‖ of a stateful layer's current hidden state, over all batch rows."""
    return float(np.linalg.norm(layer.states[0].numpy()))


def make_inputs(samples: int, timesteps: int, features: int = 1, seed: int = 0) -> np.ndarray:
    """Uniform random inputs of shape (samples, timesteps, features)."""
    return np.random.default_rng(seed).random((samples, timesteps, features)).astype("float32")


def batch_size_declaration(batch_size: int = 10, timesteps: int = 50, features: int = 1) -> dict:
    """Keras 2's batch_input_shape (on the layer, on Input), a stateful layer with no batch size, the fix."""
    import keras

    shape = (batch_size, timesteps, features)
    model, lstm = build_stateful_model(batch_size, timesteps, units=4, features=features)
    return {
        "layer_batch_input_shape": attempt(
            lambda: keras.layers.LSTM(4, batch_input_shape=shape, stateful=True)
        ),
        "input_batch_input_shape": attempt(lambda: keras.Input(batch_input_shape=shape)),
        "dynamic_batch": attempt(
            lambda: keras.layers.LSTM(4, stateful=True)(keras.Input(shape=(timesteps, features)))
        ),
        "batch_shape_state_shape": [tuple(state.shape) for state in lstm.states],
        "batch_shape_input": tuple(model.inputs[0].shape),
    }


def state_per_row(batch_size: int = 4, timesteps: int = 5, units: int = 8) -> dict:
    """One state per batch row: change only row 0's input and only row 0's carried state changes."""
    model, lstm = build_stateful_model(batch_size, timesteps, units)
    x = make_inputs(batch_size, timesteps)
    model.predict_on_batch(x)
    first = lstm.states[0].numpy()
    lstm.reset_state()
    changed = x.copy()
    changed[0] += 1.0
    model.predict_on_batch(changed)
    second = lstm.states[0].numpy()
    return {
        "state_shapes": [tuple(state.shape) for state in lstm.states],
        "row_change": np.linalg.norm(second - first, axis=1).tolist(),  # per row: how far its state moved
    }


def predict_advances_state(batch_size: int = 4, timesteps: int = 5, units: int = 8) -> dict:
    """Identical predict calls differ unless the state is reset between them; evaluate moves the state too."""
    model, lstm = build_stateful_model(batch_size, timesteps, units)
    model.compile(optimizer="adam", loss="mse")
    x, y = make_inputs(batch_size, timesteps), make_inputs(batch_size, 1)[:, :, 0]
    first = model.predict(x, batch_size=batch_size, verbose=0)
    second = model.predict(x, batch_size=batch_size, verbose=0)
    lstm.reset_state()
    after_reset = model.predict(x, batch_size=batch_size, verbose=0)
    lstm.reset_state()
    model.evaluate(x, y, batch_size=batch_size, verbose=0)
    after_evaluate = state_norm(lstm)
    lstm.reset_state()
    model.predict_on_batch(x)
    after_predict_on_batch = state_norm(lstm)
    lstm.reset_state()
    model(x)
    return {
        "first_vs_second": float(np.abs(first - second).max()),
        "first_vs_after_reset": float(np.abs(first - after_reset).max()),
        "norm_after_evaluate": after_evaluate,  # each from a zero state: > 0 means the call moved it
        "norm_after_predict_on_batch": after_predict_on_batch,
        "norm_after_call": state_norm(lstm),
        "first": first[:, 0].tolist(),
        "second": second[:, 0].tolist(),
    }


def predict_from_each_row(model, states: list[np.ndarray], sample: np.ndarray) -> np.ndarray:
    """The model's output for one sample started from each batch row's state in turn (a batch-1 copy)."""
    rows, units = states[0].shape
    single, lstm = build_stateful_model(1, sample.shape[1], units)
    single.set_weights(model.get_weights())
    outputs = []
    for row in range(rows):
        for variable, state in zip(lstm.states, states, strict=True):
            variable.assign(state[row : row + 1])
        outputs.append(np.asarray(single.predict_on_batch(sample))[0])
    return np.stack(outputs)


def predict_one_sample(batch_size: int = 10, timesteps: int = 5, units: int = 8) -> dict:
    """A model trained with batch size 10 asked to predict one sample: after fit alone, then after a
    full-batch predict (a silent broadcast over every state row); other sizes; the fix, a batch-1 copy."""
    model, lstm = build_stateful_model(batch_size, timesteps, units)
    model.compile(optimizer="adam", loss="mse")
    x, y = make_inputs(2 * batch_size, timesteps), make_inputs(2 * batch_size, 1)[:, :, 0]
    model.fit(x, y, batch_size=batch_size, shuffle=False, verbose=0)
    one = make_inputs(1, timesteps, seed=1)
    after_fit = attempt(lambda: model.predict(one, batch_size=1, verbose=0).shape)
    model.predict(x[:batch_size], batch_size=batch_size, verbose=0)
    before = [state.numpy() for state in lstm.states]
    broadcast = attempt(lambda: model.predict(one, batch_size=1, verbose=0))
    changed = int((np.abs(lstm.states[0].numpy() - before[0]).max(axis=1) > 0).sum())
    vs_each_row = None
    if broadcast["ok"]:
        outputs = broadcast["value"]
        broadcast["value"] = tuple(outputs.shape)
        vs_each_row = float(np.abs(outputs - predict_from_each_row(model, before, one)).max())
    other_sizes = {
        samples: attempt(
            lambda samples=samples: model.predict(x[:samples], batch_size=samples, verbose=0).shape
        )
        for samples in (3, 2 * batch_size)
    }
    lstm.reset_state()
    reference = model.predict(np.repeat(one, batch_size, axis=0), batch_size=batch_size, verbose=0)
    single, _ = build_stateful_model(1, timesteps, units)
    single.set_weights(model.get_weights())
    fixed = single.predict(one, batch_size=1, verbose=0)
    return {
        "batch_size": batch_size,
        "after_fit": after_fit,
        "after_full_batch": broadcast,
        "rows_whose_state_changed": changed,
        "outputs_vs_each_row": vs_each_row,  # row i's output is the sample read from row i's state
        "other_sizes": other_sizes,
        "fixed_shape": tuple(fixed.shape),
        "fixed_matches_row_0": float(np.abs(fixed[0] - reference[0]).max()),
    }


def partial_batch(batch_size: int = 10, samples: int = 25, timesteps: int = 5, units: int = 8) -> dict:
    """fit, predict, evaluate and validation on a number of samples that is not a multiple of the batch
    size; for predict, whether the rows past the samples are the last sample read from every row's state."""
    model, lstm = build_stateful_model(batch_size, timesteps, units)
    model.compile(optimizer="adam", loss="mse")
    x, y = make_inputs(samples, timesteps), make_inputs(samples, 1)[:, :, 0]
    full = samples // batch_size * batch_size

    def train(inputs, targets, **options) -> None:
        model.fit(inputs, targets, batch_size=batch_size, shuffle=False, verbose=0, **options)

    value = {
        "samples": samples,
        "batch_size": batch_size,
        "fit": attempt(lambda: train(x, y)),
        "predict": attempt(lambda: model.predict(x, batch_size=batch_size, verbose=0).shape),
        "evaluate": attempt(lambda: model.evaluate(x, y, batch_size=batch_size, verbose=0)),
        "validation": attempt(lambda: train(x[:full], y[:full], validation_data=(x, y))),
    }
    if value["predict"]["ok"] and samples - full == 1:
        lstm.reset_state()
        outputs = model.predict(x, batch_size=batch_size, verbose=0)
        lstm.reset_state()
        model.predict(x[:full], batch_size=batch_size, verbose=0)
        states = [state.numpy() for state in lstm.states]
        extra = predict_from_each_row(model, states, x[full:])
        value["extra_rows_vs_last_sample"] = float(np.abs(outputs[full:] - extra).max())
    return value


def state_not_saved(batch_size: int = 4, timesteps: int = 5, units: int = 8) -> dict:
    """The carried state is not a weight: not in get_weights(); model.save + load_model brings back zeros."""
    import keras

    model, lstm = build_stateful_model(batch_size, timesteps, units)
    model.predict_on_batch(make_inputs(batch_size, timesteps))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stateful.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
    state_ids = {id(state) for state in lstm.states}
    restored = loaded.get_layer("lstm")
    zero_after_load = state_norm(restored)
    for target, saved in zip(restored.states, lstm.states, strict=True):
        target.assign(saved.numpy())
    return {
        "weights": [variable.path for variable in model.weights],
        "weight_shapes": [tuple(weight.shape) for weight in model.get_weights()],
        "state_in_weights": any(id(variable) in state_ids for variable in model.weights),
        "norm_before_save": state_norm(lstm),
        "norm_after_load": zero_after_load,
        "norm_after_assign": state_norm(restored),  # layer.states[i].assign(...) puts a state back
    }


def fit_orders(batch_size: int = 4, n_batches: int = 3, epochs: int = 2, seed: int = 0) -> dict:
    """Which sample sits in each row of each batch that fit really trains on, epoch by epoch, for each
    shuffle setting after keras.utils.set_random_seed (and shuffle=True without a seed); fit's default."""
    import keras
    import tensorflow as tf

    samples = batch_size * n_batches

    class Recorder(keras.Model):
        """Trains nothing: records the sample ids of every batch fit hands to train_step."""

        def __init__(self):
            super().__init__()
            self.head = keras.layers.Dense(1)
            self.seen: list[np.ndarray] = []

        def call(self, x):
            return self.head(x[:, -1])

        def train_step(self, data):
            self.seen.append(np.asarray(data[0])[:, 0, 0].round().astype(int))
            return {"loss": keras.ops.convert_to_tensor(0.0)}

    def record(shuffle: bool | str) -> np.ndarray:
        recorder = Recorder()
        recorder.compile(loss="mse", run_eagerly=True)
        ids = np.arange(samples, dtype="float32").reshape(samples, 1, 1)
        targets = np.zeros((samples, 1), "float32")
        recorder.fit(ids, targets, batch_size=batch_size, epochs=epochs, shuffle=shuffle, verbose=0)
        return np.stack(recorder.seen).reshape(epochs, n_batches, batch_size)

    orders = {}
    for shuffle in (False, True, "batch"):
        keras.utils.set_random_seed(seed)
        orders[str(shuffle)] = record(shuffle)
    tf.random.set_seed(None)  # no global seed: what a script that never seeds gets
    unseeded = record(True)
    default = inspect.signature(keras.Model.fit).parameters["shuffle"].default
    return {
        "batch_size": batch_size,
        "orders": orders,
        "unseeded_true": unseeded,
        "fit_default_shuffle": default,
    }


def article_idioms(batch_size: int = 10, timesteps: int = 50, features: int = 1, units: int = 64) -> dict:
    """The source article's code, line by line on this Keras: its model, then its reset, each as written."""
    import keras

    def article_model():
        return keras.Sequential(
            [
                keras.layers.LSTM(units, batch_input_shape=(batch_size, timesteps, features), stateful=True),
                keras.layers.Dense(1),
            ]
        )

    working = keras.Sequential(
        [
            keras.Input(batch_shape=(batch_size, timesteps, features)),
            keras.layers.LSTM(units, stateful=True),
            keras.layers.Dense(1),
        ]
    )
    return {
        "model": attempt(lambda: type(article_model()).__name__),
        "reset_states": attempt(lambda: working.reset_states()),
        "layer_reset_state": attempt(
            lambda: [layer.reset_state() for layer in working.layers if getattr(layer, "stateful", False)]
        ),
    }
