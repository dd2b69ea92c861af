"""Reference tests: the stateful model carries exactly the state a whole-sequence pass would."""

import keras
import numpy as np
import pytest

from statelab.models import build_model, reinitialize, reset_states, stateful_layers
from statelab.tasks import TASKS_SPECS


def test_stateful_windows_equal_stateless_whole_sequence():
    spec = TASKS_SPECS["forecast"]  # per-step outputs: every step can be compared
    batch_size, timesteps, n_windows = 3, 5, 4
    stateful = build_model(spec, timesteps, units=8, seed=0, batch_size=batch_size)
    whole = build_model(spec, timesteps * n_windows, units=8, seed=1)
    whole.set_weights(stateful.get_weights())
    sequences = np.random.default_rng(0).normal(size=(batch_size, timesteps * n_windows, 1)).astype("float32")
    expected = whole.predict_on_batch(sequences)
    reset_states(stateful)
    pieces = [
        stateful.predict_on_batch(sequences[:, k * timesteps : (k + 1) * timesteps]) for k in range(n_windows)
    ]
    np.testing.assert_allclose(np.concatenate(pieces, axis=1), expected, atol=1e-5)
    # and without carried state the later windows come out different
    reset_states(stateful)
    cold = stateful.predict_on_batch(sequences[:, timesteps : 2 * timesteps])
    assert np.abs(cold - expected[:, timesteps : 2 * timesteps]).max() > 1e-3


def test_both_models_start_from_identical_weights():
    spec = TASKS_SPECS["cue"]
    stateful = build_model(spec, 10, units=16, seed=7, batch_size=4)
    stateless = build_model(spec, 10, units=16, seed=7)
    for a, b in zip(stateful.get_weights(), stateless.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert stateful_layers(stateful) and not stateful_layers(stateless)
    assert stateful.input_shape == (4, 10, 1) and stateless.input_shape == (None, 10, 1)


def test_reset_sets_state_to_zero():
    model = build_model(TASKS_SPECS["cue"], 5, units=4, seed=0, batch_size=2)
    model.predict_on_batch(np.ones((2, 5, 1), "float32"))
    layer = stateful_layers(model)[0]
    assert np.abs(np.array(layer.states[0])).sum() > 0
    reset_states(model)
    assert np.abs(np.array(layer.states[0])).sum() == 0


@pytest.mark.parametrize("task", ["article_multiclass", "article_seq2seq"])
def test_output_shapes_follow_the_article_examples(task):
    spec = TASKS_SPECS[task]
    model = build_model(spec, 30, units=8, seed=0, batch_size=20)
    expected = (20, 30, 1) if spec.per_step else (20, spec.classes)
    assert model.output_shape == expected
    assert isinstance(model, keras.Model)


@pytest.mark.parametrize("task", ["cue", "article_multiclass", "forecast"])
def test_reinitialize_gives_exactly_the_weights_a_fresh_build_draws(task):
    spec = TASKS_SPECS[task]
    reused = build_model(spec, 6, units=8, seed=0, batch_size=4)
    reused.set_weights([np.full_like(weight, 0.5) for weight in reused.get_weights()])  # as after training
    for seed in (1, 7, 123_456):
        reinitialize(reused, seed)
        fresh = build_model(spec, 6, units=8, seed=seed)
        for a, b in zip(reused.get_weights(), fresh.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
