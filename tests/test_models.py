"""Reference tests: the stateful model carries exactly the state a whole-sequence pass would."""

import keras
import numpy as np
import pytest

from statelab.engine.models import (
    build_model,
    build_state_model,
    recurrent_of,
    reinitialize,
    reset_states,
    state_names,
    stateful_layers,
)
from statelab.engine.tasks import TASK_SPECS
from statelab.teaching.keras_facts_resets import lesson_code


def test_stateful_windows_equal_stateless_whole_sequence():
    spec = TASK_SPECS["forecast"]  # per-step outputs: every step can be compared
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
    spec = TASK_SPECS["cue"]
    stateful = build_model(spec, 10, units=16, seed=7, batch_size=4)
    stateless = build_model(spec, 10, units=16, seed=7)
    for a, b in zip(stateful.get_weights(), stateless.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert stateful_layers(stateful) and not stateful_layers(stateless)
    assert stateful.input_shape == (4, 10, 1) and stateless.input_shape == (None, 10, 1)


def test_reset_sets_state_to_zero():
    model = build_model(TASK_SPECS["cue"], 5, units=4, seed=0, batch_size=2)
    model.predict_on_batch(np.ones((2, 5, 1), "float32"))
    layer = stateful_layers(model)[0]
    assert np.abs(np.array(layer.states[0])).sum() > 0
    reset_states(model)
    assert np.abs(np.array(layer.states[0])).sum() == 0


@pytest.mark.parametrize("task", ["article_multiclass", "article_seq2seq"])
def test_output_shapes_follow_the_article_examples(task):
    spec = TASK_SPECS[task]
    model = build_model(spec, 30, units=8, seed=0, batch_size=20)
    expected = (20, 30, 1) if spec.per_step else (20, spec.classes)
    assert model.output_shape == expected
    assert isinstance(model, keras.Model)


def nested_model(batch_size: int = 2, timesteps: int = 3, units: int = 4) -> tuple[keras.Model, list]:
    """A stateful LSTM inside a nested Functional model, inside a Sequential, beside a top-level one."""
    inputs = keras.Input(batch_shape=(batch_size, timesteps, 1))
    inner = keras.layers.LSTM(units, stateful=True, return_sequences=True, name="inner")
    encoder = keras.Model(inputs, inner(inputs), name="encoder")
    deeper = keras.layers.LSTM(units, stateful=True, return_sequences=True, name="deeper")
    wrapper = keras.Sequential(
        [keras.Input(batch_shape=(batch_size, timesteps, units)), deeper], name="wrapper"
    )
    top = keras.layers.LSTM(units, stateful=True, name="top")
    model = keras.Model(inputs, keras.layers.Dense(1)(top(wrapper(encoder(inputs)))))
    return model, [inner, deeper, top]


def test_stateful_layers_are_found_inside_nested_models():
    model, lstms = nested_model()
    assert [layer.name for layer in model.layers if getattr(layer, "stateful", False)] == ["top"]
    assert stateful_layers(model) == lstms
    assert lesson_code("stateful_resets").stateful_layers(model) == lstms  # the learners' copy agrees
    model.predict_on_batch(np.ones((2, 3, 1), "float32"))
    assert all(np.abs(np.array(layer.states[0])).sum() > 0 for layer in lstms)
    reset_states(model)
    assert all(np.abs(np.array(layer.states[0])).sum() == 0 for layer in lstms)


@pytest.mark.parametrize(
    ("task", "layer"),
    [
        ("cue", "lstm"),
        ("article_multiclass", "lstm"),
        ("forecast", "lstm"),
        ("cue", "gru"),
        ("forecast", "simple_rnn"),
    ],
)
def test_reinitialize_gives_exactly_the_weights_a_fresh_build_draws(task, layer):
    spec = TASK_SPECS[task]
    reused = build_model(spec, 6, units=8, seed=0, batch_size=4, layer=layer)
    reused.set_weights([np.full_like(weight, 0.5) for weight in reused.get_weights()])  # as after training
    for seed in (1, 7, 123_456):
        reinitialize(reused, seed)
        fresh = build_model(spec, 6, units=8, seed=seed, layer=layer)
        for a, b in zip(reused.get_weights(), fresh.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("layer", "keras_class", "n_states"), [("gru", "GRU", 1), ("simple_rnn", "SimpleRNN", 1)]
)
def test_every_layer_is_the_real_keras_layer_with_its_own_state_tensors(layer, keras_class, n_states):
    model = build_model(TASK_SPECS["cue"], 5, units=4, seed=0, batch_size=2, layer=layer)
    recurrent = recurrent_of(model)
    assert type(recurrent) is getattr(keras.layers, keras_class) and recurrent.name == layer
    assert len(recurrent.states) == n_states and recurrent.states[0].shape == (2, 4)
    model.predict_on_batch(np.ones((2, 5, 1), "float32"))
    assert np.abs(np.array(recurrent.states[0])).sum() > 0
    reset_states(model)
    assert np.abs(np.array(recurrent.states[0])).sum() == 0


def test_an_unknown_layer_is_explained():
    with pytest.raises(ValueError, match="Unknown layer 'transformer'"):
        build_model(TASK_SPECS["cue"], 5, units=4, seed=0, layer="transformer")


@pytest.mark.parametrize(("layer", "names"), [("lstm", ("h", "c")), ("gru", ("h",)), ("simple_rnn", ("h",))])
def test_the_state_passing_model_takes_and_gives_each_state_tensor_of_its_layer(layer, names):
    assert state_names(layer) == names
    model = build_state_model(TASK_SPECS["cue"], units=4, layer=layer)
    assert [tensor.name for tensor in model.inputs] == ["windows", *names]
    state = [np.full((2, 4), 0.5, "float32") for _ in names]
    outputs, *final = model([np.ones((2, 5, 1), "float32"), *state])
    assert outputs.shape == (2, 1) and [tuple(part.shape) for part in final] == [(2, 4)] * len(names)
    assert all(np.abs(np.array(part) - 0.5).sum() > 0 for part in final)  # every state tensor moved
    with pytest.raises(ValueError, match="Unknown layer 'transformer'"):
        state_names("transformer")
