"""The fused engine against plain Keras (`fit` and `predict` with reset callbacks) for every policy."""

import itertools
from dataclasses import replace

import keras
import numpy as np
import pytest

from statelab import LabConfig, run_model
from statelab.engine.config import RESET_POLICIES, SHUFFLE_CHOICES
from statelab.engine.data import make_lab_data
from statelab.engine.layout import epoch_orders, reset_mask, stateful_order, training_resets
from statelab.engine.models import build_model, loss_for, reset_states
from statelab.engine.tracing import by_stream

# every test trains the engine and plain Keras side by side
pytestmark = pytest.mark.training

TINY = LabConfig(batch_size=4, timesteps=5, n_windows=3, n_groups=2, units=8, epochs=2, eval_groups=2)
# each policy and each shuffle at least once in the quick set; every pair in the slow one
QUICK = {(False, "sequence"), (True, "epoch"), ("batch", "never"), (False, "batch")}
POLICIES = [
    pytest.param(shuffle, reset, marks=() if (shuffle, reset) in QUICK else pytest.mark.slow)
    for shuffle, reset in itertools.product(SHUFFLE_CHOICES, RESET_POLICIES)
]


class ResetBefore(keras.callbacks.Callback):
    """Resets the model's state before the training or predict batches flagged in `resets`."""

    def __init__(self, resets: np.ndarray):
        super().__init__()
        self.resets = resets

    def on_train_batch_begin(self, batch, logs=None):
        if self.resets[batch]:
            reset_states(self.model)

    def on_predict_batch_begin(self, batch, logs=None):
        self.on_train_batch_begin(batch, logs)


def plain_keras(config: LabConfig, mode: str):
    """Loss per epoch, held-out outputs by stream and final weights, trained by `fit` on the same batches."""
    data = make_lab_data(config)
    batch_size = config.batch_size if mode == "stateful" else None
    model = build_model(data.spec, config.timesteps, config.units, config.seed, batch_size, config.layer)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=loss_for(data.spec))
    losses = []
    for order, resets in zip(epoch_orders(config), training_resets(config), strict=True):
        history = model.fit(
            data.train_x[order],
            data.train_y[order],
            batch_size=config.batch_size,
            shuffle=False,
            verbose=0,
            callbacks=[ResetBefore(resets)],
        )
        losses += history.history["loss"]
    streams, windows = stateful_order(len(data.eval_x), config.n_windows, config.batch_size)
    resets = reset_mask(config.eval_groups * config.n_windows, config.n_windows, config.reset)
    in_order = data.eval_x[streams, windows]  # group by group, window by window
    reset = ResetBefore(resets)
    outputs = model.predict(in_order, batch_size=config.batch_size, verbose=0, callbacks=[reset])
    return np.array(losses), by_stream(outputs.reshape(len(resets), config.batch_size, -1), config.n_windows)


@pytest.mark.parametrize(("shuffle", "reset"), POLICIES)
def test_stateful_engine_equals_plain_keras(shuffle, reset):
    config = replace(TINY, shuffle=shuffle, reset=reset)
    losses, outputs = plain_keras(config, "stateful")
    engine = run_model(config, "stateful")
    # the same batches, resets and initial weights: only float round-off differs (XLA against fit's graph)
    np.testing.assert_allclose(engine.loss, losses, rtol=1e-5)
    np.testing.assert_allclose(engine.predictions, outputs[..., 0], atol=1e-5)


@pytest.mark.parametrize("shuffle", SHUFFLE_CHOICES)
def test_stateless_engine_equals_plain_keras(shuffle):
    config = replace(TINY, shuffle=shuffle, reset="never")  # resets cannot matter without state
    losses, outputs = plain_keras(config, "stateless")
    engine = run_model(config, "stateless")
    np.testing.assert_allclose(engine.loss, losses, rtol=1e-5)
    np.testing.assert_allclose(engine.predictions, outputs[..., 0], atol=1e-5)


@pytest.mark.parametrize("layer", ["gru", "simple_rnn"])
def test_every_layer_runs_the_same_engine_as_plain_keras(layer):
    # shuffled and reset at epoch ends: state flows across streams, as plain fit would carry it
    config = replace(TINY, shuffle=True, reset="epoch", layer=layer)
    for mode in ("stateful", "stateless"):
        losses, outputs = plain_keras(config, mode)
        engine = run_model(config, mode)
        np.testing.assert_allclose(engine.loss, losses, rtol=1e-5)
        np.testing.assert_allclose(engine.predictions, outputs[..., 0], atol=1e-5)
