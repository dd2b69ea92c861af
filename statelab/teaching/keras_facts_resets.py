"""Keras 3 behaviour around resets, measured live: what resets the state, what does not, and what
the lessons' own reset code (lessons/code/stateful_resets.py) does in fit, validation and predict.

Like keras_facts, every function imports Keras inside and returns plain values; only workers call them.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import numpy as np

from statelab.teaching.keras_facts import attempt, build_stateful_model, make_inputs, state_norm
from statelab.teaching.lesson_text import CODE_DIR


def lesson_code(name: str) -> ModuleType:
    """A file of lessons/code/ imported as a module: the very code the lessons show learners."""
    path = CODE_DIR / f"{name}.py"
    if not path.is_file():
        raise ValueError(f"No lesson code file {path.name} in {CODE_DIR}.")
    if str(CODE_DIR) not in sys.path:
        sys.path.append(str(CODE_DIR))  # lesson files import each other by name, as a learner's would
    spec = importlib.util.spec_from_file_location(f"lesson_code_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reset_layers(batch_size: int = 4, timesteps: int = 5, units: int = 8) -> dict:
    """model.reset_states() is gone; layer.reset_state() zeroes a state; which layers a reset loop meets."""
    import keras

    model, lstm = build_stateful_model(batch_size, timesteps, units)
    sequential = keras.Sequential(
        [keras.Input(batch_shape=(batch_size, timesteps, 1)), keras.layers.LSTM(units, stateful=True)]
    )
    model.predict_on_batch(make_inputs(batch_size, timesteps))
    before = state_norm(lstm)
    lstm.reset_state()
    stateless = keras.layers.LSTM(units)
    stateless(keras.Input(shape=(timesteps, 1)))
    lookup = keras.layers.StringLookup()
    lookup.adapt(np.array([["a"], ["b"]]))
    vocabulary = lookup.get_vocabulary()
    return {
        "functional_reset_states": attempt(lambda: model.reset_states()),
        "sequential_reset_states": attempt(lambda: sequential.reset_states()),
        "norm_before_reset": before,
        "norm_after_layer_reset": state_norm(lstm),
        "stateless_reset": attempt(stateless.reset_state),
        "stateless_states": stateless.states,
        "dense_reset_state": attempt(lambda: model.get_layer("head").reset_state()),
        "lookup_reset_state": attempt(lookup.reset_state),
        "lookup_vocabulary_kept": lookup.get_vocabulary() == vocabulary,
        "lookup_stateful": getattr(lookup, "stateful", None),
        **nested_model_resets(batch_size, timesteps, units),
    }


def nested_model_resets(batch_size: int, timesteps: int, units: int) -> dict:
    """An LSTM inside a nested model: missed by a loop over model.layers, found by the lesson's helper."""
    import keras

    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1))
    inner_lstm = keras.layers.LSTM(units, stateful=True, return_sequences=True, name="inner_lstm")
    encoder = keras.Model(inputs, inner_lstm(inputs), name="encoder")
    outer_lstm = keras.layers.LSTM(units, stateful=True, name="outer_lstm")
    outer = keras.Model(inputs, keras.layers.Dense(1, name="head")(outer_lstm(encoder(inputs))))
    x = make_inputs(batch_size, timesteps)
    outer.predict_on_batch(x)
    flat = [layer for layer in outer.layers if getattr(layer, "stateful", False)]
    for layer in flat:
        layer.reset_state()
    missed = state_norm(inner_lstm)
    outer.predict_on_batch(x)
    found = lesson_code("stateful_resets").stateful_layers(outer)
    for layer in found:
        layer.reset_state()
    return {
        "nested_layers": [layer.name for layer in outer.layers],
        "nested_flat_loop_finds": [layer.name for layer in flat],
        "nested_inner_norm_after_flat_loop": missed,
        "nested_helper_finds": [layer.name for layer in found],
        "nested_norms_after_helper": [state_norm(inner_lstm), state_norm(outer_lstm)],
    }


def state_across_epochs(batch_size: int = 4, timesteps: int = 5, units: int = 8, epochs: int = 3) -> dict:
    """‖h‖ at the end of each fit epoch and at the start of the next: nothing resets it in between."""
    import keras

    model, lstm = build_stateful_model(batch_size, timesteps, units)
    model.compile(optimizer="adam", loss="mse")
    norms: dict[str, list[float]] = {"epoch_begin": [], "epoch_end": []}

    class Watch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            norms["epoch_begin"].append(state_norm(lstm))

        def on_epoch_end(self, epoch, logs=None):
            norms["epoch_end"].append(state_norm(lstm))

    x, y = make_inputs(2 * batch_size, timesteps), make_inputs(2 * batch_size, 1)[:, :, 0]
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0, callbacks=[Watch()])
    return norms


def validation_state(batch_size: int = 4, timesteps: int = 5, units: int = 8, n_windows: int = 2) -> dict:
    """‖h‖ where training and validation_data meet in fit: without resets, with a reset in training batches
    only, and with the lesson's callback (resets in training, test and predict batches)."""
    import keras

    code = lesson_code("stateful_resets")

    class TrainOnly(keras.callbacks.Callback):
        """A reset at every stream start of training only: the version most tutorials show."""

        def on_train_batch_begin(self, batch, logs=None):
            if batch % n_windows == 0:
                for layer in code.stateful_layers(self.model):
                    layer.reset_state()

    samples = 2 * batch_size * n_windows  # two stream groups for training and for validation
    x, y = make_inputs(samples, timesteps), make_inputs(samples, 1)[:, :, 0]
    validation = make_inputs(samples, timesteps, seed=1), make_inputs(samples, 1, seed=1)[:, :, 0]
    measured = {}
    variants = {
        "no_reset": [],
        "train_only": [TrainOnly()],
        "lesson_callback": [code.ResetAtStreamStart(n_windows)],
    }
    for name, resets in variants.items():
        model, lstm = build_stateful_model(batch_size, timesteps, units)
        model.compile(optimizer="adam", loss="mse")
        norms: dict[str, float] = {}
        watch = boundary_watch(lstm, norms)  # runs after the reset: sees the state each batch starts from
        model.fit(
            x,
            y,
            batch_size=batch_size,
            epochs=2,
            shuffle=False,
            verbose=0,
            validation_data=validation,
            callbacks=[*resets, watch],
        )
        measured[name] = {**norms, "after_fit": state_norm(lstm)}  # the state fit leaves in the layer
    return measured


def boundary_watch(lstm, norms: dict[str, float]):
    """A callback that records ‖h‖ in `norms` where fit passes between training and validation: at the
    end of epoch 1's training, the start and end of its validation, the start of epoch 2's training; and
    after the last training batch and the last validation batch of the whole fit."""
    import keras

    class Watch(keras.callbacks.Callback):
        epoch = 0

        def on_train_batch_begin(self, batch, logs=None):
            if self.epoch == 1 and batch == 0:
                norms["next_epoch_starts"] = state_norm(lstm)

        def on_train_batch_end(self, batch, logs=None):
            norms["last_training_batch"] = state_norm(lstm)
            if self.epoch == 0:
                norms["training_ends"] = state_norm(lstm)

        def on_test_batch_begin(self, batch, logs=None):
            if self.epoch == 0 and batch == 0:
                norms["validation_starts"] = state_norm(lstm)

        def on_test_batch_end(self, batch, logs=None):
            norms["last_validation_batch"] = state_norm(lstm)
            if self.epoch == 0:
                norms["validation_ends"] = state_norm(lstm)

        def on_epoch_end(self, epoch, logs=None):
            self.epoch = epoch + 1

    return Watch()


def predict_groups(batch_size: int = 4, timesteps: int = 5, units: int = 8, n_windows: int = 3) -> dict:
    """Predicting three stream groups in one predict call: one reset before it leaks state from group
    to group; the lesson's callback in predict gives exactly the per-group loop's outputs."""
    groups = 3
    model, lstm = build_stateful_model(batch_size, timesteps, units)
    x = (
        np.random.default_rng(0)
        .normal(size=(groups * n_windows * batch_size, timesteps, 1))
        .astype("float32")
    )
    size = n_windows * batch_size
    per_group = []
    for group in range(groups):
        lstm.reset_state()
        per_group.append(
            model.predict(x[group * size : (group + 1) * size], batch_size=batch_size, verbose=0)
        )
    per_group = np.concatenate(per_group)
    lstm.reset_state()
    reset_once = model.predict(x, batch_size=batch_size, verbose=0)
    reset = lesson_code("stateful_resets").ResetAtStreamStart(n_windows)
    with_callback = model.predict(x, batch_size=batch_size, verbose=0, callbacks=[reset])

    def by_group(outputs: np.ndarray) -> list[float]:
        return np.abs(outputs - per_group).reshape(groups, -1).max(axis=1).tolist()

    return {
        "groups": groups,
        "sizes": {"batch_size": batch_size, "timesteps": timesteps, "n_windows": n_windows},
        "reset_once_vs_per_group": by_group(reset_once),
        "callback_vs_per_group": by_group(with_callback),
        "callback_equals_per_group": bool(np.array_equal(with_callback, per_group)),
        "output_size": float(np.abs(per_group).mean()),
    }
