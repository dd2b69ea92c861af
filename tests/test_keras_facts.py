"""Every claim the lessons make about Keras behaviour, checked on the installed Keras.

The lessons quote these experiments live; if a Keras upgrade changes the truth, these tests fail
instead of a lesson silently teaching something false.
"""

import pickle

import numpy as np
import pytest
from run_cache import demo

from statelab.engine.config import LabConfig
from statelab.engine.layout import epoch_orders
from statelab.teaching import keras_facts
from statelab.teaching.demos import DEMOS, LAYER_DEMOS, PRACTICE_DEMOS

# The gradient has tests/test_gradients.py; the demos of lessons 9-12 have tests/test_practice.py, those
# of lesson 13 tests/test_layer_facts.py.
FACTS = [name for name in DEMOS if name != "gradient_boundary" and name not in PRACTICE_DEMOS | LAYER_DEMOS]


@pytest.fixture(scope="module")
def facts() -> dict:
    """Each Keras experiment run once, with the defaults the lessons use (and 21 samples for lesson 2)."""
    return {name: demo(name) for name in FACTS} | {"remainder_one": demo("partial_batch", samples=21)}


def refused(outcome: dict, error_type: str, *phrases: str) -> None:
    """The call raised `error_type`, and Keras's message says each phrase."""
    assert not outcome["ok"], f"expected {error_type}, but the call worked: {outcome}"
    assert outcome["type"] == error_type, outcome
    for phrase in phrases:
        assert phrase in outcome["message"], (phrase, outcome["message"])


def test_every_fact_is_a_registered_demo_with_a_picklable_value(facts):
    assert set(FACTS) >= {
        "batch_size_declaration",
        "reset_layers",
        "state_per_row",
        "state_across_epochs",
        "validation_state",
        "predict_groups",
        "predict_advances_state",
        "predict_one_sample",
        "partial_batch",
        "state_not_saved",
        "fit_orders",
        "article_idioms",
    }
    for name, value in facts.items():
        assert pickle.loads(pickle.dumps(value)).keys() == value.keys(), name


def test_batch_input_shape_is_rejected_and_batch_shape_works(facts):
    value = facts["batch_size_declaration"]
    refused(value["layer_batch_input_shape"], "ValueError", "batch_input_shape")
    refused(value["input_batch_input_shape"], "TypeError", "batch_input_shape")
    refused(value["dynamic_batch"], "ValueError", "stateful=True", "batch size")
    assert value["batch_shape_input"] == (10, 50, 1)
    assert value["batch_shape_state_shape"] == [(10, 4), (10, 4)]


def test_model_reset_states_is_missing_and_layer_reset_state_zeroes(facts):
    value = facts["reset_layers"]
    refused(value["functional_reset_states"], "AttributeError", "reset_states")
    refused(value["sequential_reset_states"], "AttributeError", "reset_states")
    assert value["norm_before_reset"] > 0.01
    assert value["norm_after_layer_reset"] == 0.0


def test_reset_state_on_a_stateless_layer_is_a_silent_no_op(facts):
    value = facts["reset_layers"]
    assert value["stateless_reset"] == {"ok": True, "value": None}
    assert value["stateless_states"] is None


def test_a_reset_loop_over_model_layers_is_not_safe(facts):
    value = facts["reset_layers"]
    refused(value["dense_reset_state"], "AttributeError", "'Dense' object has no attribute 'reset_state'")
    # StringLookup has a reset_state of its own (it belongs to adapt), and no `stateful` attribute
    assert value["lookup_reset_state"] == {"ok": True, "value": None}
    assert value["lookup_vocabulary_kept"] and value["lookup_stateful"] is None
    # model.layers does not look inside a nested model: a loop over it misses the inner LSTM
    assert "encoder" in value["nested_layers"] and value["nested_flat_loop_finds"] == ["outer_lstm"]
    assert value["nested_inner_norm_after_flat_loop"] > 0.01
    # the lesson's stateful_layers walks into nested models and resets both
    assert value["nested_helper_finds"] == ["inner_lstm", "outer_lstm"]
    assert value["nested_norms_after_helper"] == [0.0, 0.0]


def test_one_state_per_batch_row(facts):
    value = facts["state_per_row"]
    assert value["state_shapes"] == [(4, 8), (4, 8)]
    assert value["row_change"][0] > 0.01
    assert value["row_change"][1:] == [0.0, 0.0, 0.0]


def test_state_carries_over_the_epoch_boundary_in_fit(facts):
    begin, end = facts["state_across_epochs"]["epoch_begin"], facts["state_across_epochs"]["epoch_end"]
    assert begin[0] == 0.0
    for epoch in range(1, len(begin)):
        assert begin[epoch] > 0.01
        assert begin[epoch] == pytest.approx(end[epoch - 1], abs=1e-7)


def test_predict_and_evaluate_advance_the_state(facts):
    value = facts["predict_advances_state"]
    assert value["first_vs_second"] > 1e-4
    assert value["first_vs_after_reset"] <= 1e-6
    for call in ("evaluate", "predict_on_batch", "call"):  # each started from a zero state
        assert value[f"norm_after_{call}"] > 0.01, call


def test_validation_data_starts_from_the_training_state_and_feeds_the_next_epoch(facts):
    value = facts["validation_state"]
    plain, train_only, callback = value["no_reset"], value["train_only"], value["lesson_callback"]
    assert plain["training_ends"] > 0.01
    assert plain["validation_starts"] == plain["training_ends"]  # validation starts from training's state
    assert plain["next_epoch_starts"] == plain["validation_ends"] > 0.01  # and hands its own to epoch 2
    # issue 22: after fit the layer holds validation's state, not the last training batch's (lesson 10)
    assert plain["after_fit"] == plain["last_validation_batch"] != plain["last_training_batch"]
    # a reset in on_train_batch_begin alone leaves validation on the training state
    assert train_only["validation_starts"] == train_only["training_ends"] > 0.01
    assert train_only["next_epoch_starts"] == 0.0
    # the lesson's callback resets in test batches too
    assert callback["validation_starts"] == 0.0 and callback["next_epoch_starts"] == 0.0


def test_one_reset_before_predict_leaks_state_between_stream_groups(facts):
    value = facts["predict_groups"]
    leak = value["reset_once_vs_per_group"]
    assert leak[0] == 0.0  # the first group starts from the reset
    assert min(leak[1:]) > 0.1 * value["output_size"]  # later groups start from the previous group's state
    assert value["callback_equals_per_group"] and value["callback_vs_per_group"] == [0.0] * value["groups"]


def test_another_batch_size_fails_or_silently_broadcasts_and_the_fix_works(facts):
    value = facts["predict_one_sample"]
    refused(value["after_fit"], "ValueError", "Expected batch size: 10", "Received batch size: 1")
    assert value["after_full_batch"] == {"ok": True, "value": (10, 1)}  # one sample in, ten rows out
    assert value["rows_whose_state_changed"] == 10  # every row's state is overwritten
    assert value["outputs_vs_each_row"] <= 1e-6  # row i: the sample read from row i's state
    for samples in (3, 20):  # only a one-row batch is broadcast
        refused(value["other_sizes"][samples], "InvalidArgumentError", "Incompatible shapes")
    assert value["fixed_shape"] == (1, 1)
    assert value["fixed_matches_row_0"] <= 1e-5


def test_samples_must_be_a_multiple_of_the_batch_size(facts):
    value = facts["partial_batch"]
    assert value["samples"] == 25
    for call in ("fit", "predict", "evaluate", "validation"):
        refused(value[call], "InvalidArgumentError", "Incompatible shapes")
    assert "File " not in value["fit"]["message"]  # the quoted text has no traceback lines


def test_a_remainder_of_one_sample_is_silent_and_predict_returns_a_full_batch(facts):
    value = facts["remainder_one"]
    assert value["samples"] == 21 and value["batch_size"] == 10
    assert value["fit"] == {"ok": True, "value": None}
    assert value["predict"] == {"ok": True, "value": (30, 1)}
    assert value["evaluate"]["ok"] and value["validation"]["ok"]
    assert value["extra_rows_vs_last_sample"] <= 1e-6  # rows 21-30: sample 21 read from every row's state


def test_state_is_not_a_weight_and_is_not_saved(facts):
    value = facts["state_not_saved"]
    assert not value["state_in_weights"]
    assert value["weight_shapes"] == [(1, 32), (8, 32), (32,), (8, 1), (1,)]
    assert value["norm_before_save"] > 0.01
    assert value["norm_after_load"] == 0.0
    assert value["norm_after_assign"] == pytest.approx(value["norm_before_save"])  # states[i].assign works


def test_fit_shuffle_settings_as_fit_really_applies_them(facts):
    value = facts["fit_orders"]
    plain, shuffled, batch = (value["orders"][key] for key in ("False", "True", "batch"))
    assert value["fit_default_shuffle"] is True
    np.testing.assert_array_equal(plain, np.broadcast_to(np.arange(12).reshape(3, 4), plain.shape))
    for epoch in shuffled:
        assert sorted(epoch.ravel()) == list(range(12)) and moves_across_batches(epoch)
    for epoch in batch:
        assert [set(row) for row in epoch] == [set(row) for row in plain[0]]  # batches kept, in order
        assert not np.array_equal(epoch, plain[0])  # rows permuted inside them
    # after keras.utils.set_random_seed, fit repeats one order every epoch; without a seed it draws anew
    np.testing.assert_array_equal(shuffled[0], shuffled[1])
    assert not np.array_equal(value["unseeded_true"][0], value["unseeded_true"][1])


def moves_across_batches(order: np.ndarray) -> bool:
    """Whether some sample of a (batches, rows) order sits in another batch than in stateful order."""
    batch_of = np.arange(order.size).reshape(order.shape) // order.shape[1]
    return bool((order // order.shape[1] != batch_of).any())


def test_the_labs_shuffle_is_the_kind_fit_applies_without_a_seed(facts):
    # Lesson 3: the Lab trains with its own loop; shuffle=True draws a new order of all samples every
    # epoch (as unseeded fit does), shuffle="batch" permutes rows inside each batch (as fit does).
    config = LabConfig(batch_size=4, n_windows=3, n_groups=1, epochs=2, shuffle=True)
    orders = [order.reshape(3, 4) for order in epoch_orders(config)]
    assert all(sorted(order.ravel()) == list(range(12)) and moves_across_batches(order) for order in orders)
    assert not np.array_equal(orders[0], orders[1])
    assert moves_across_batches(facts["fit_orders"]["unseeded_true"][0])
    for order in epoch_orders(LabConfig(batch_size=4, n_windows=3, n_groups=1, epochs=2, shuffle="batch")):
        assert [set(row) for row in order.reshape(3, 4)] == [set(range(4 * k, 4 * k + 4)) for k in range(3)]


def test_the_articles_idioms_fail_on_keras_3(facts):
    value = facts["article_idioms"]
    refused(value["model"], "ValueError", "Unrecognized keyword arguments", "batch_input_shape")
    refused(value["reset_states"], "AttributeError", "'Sequential' object has no attribute 'reset_states'")
    assert value["layer_reset_state"]["ok"]


def test_error_text_keeps_keras_words_and_drops_colour_and_traceback():
    message = (
        "Exception in LSTM.call().\n\n\x1b[1mbatch size differs\x1b[0m\n\n"
        "Arguments received by LSTM.call():\n x"
    )
    assert keras_facts.error_text(ValueError(message)) == {
        "type": "ValueError",
        "message": "Exception in LSTM.call().\n\nbatch size differs",
    }
    graph = (
        'Graph execution error:\n\nDetected at node x defined at:\n  File "a.py", line 1\n\n'
        "Incompatible shapes: [5,1] vs. [10,1]\n\t [[{{node x}}]] [Op:y]"
    )
    assert keras_facts.error_text(RuntimeError(graph))["message"] == (
        "Graph execution error:\nIncompatible shapes: [5,1] vs. [10,1]"
    )


def test_the_terms_lesson_6_glosses_do_what_it_says():
    # Issue 22 (jargon): lesson 6 glosses return_sequences, TimeDistributed, softmax and
    # sparse_categorical_crossentropy where they first appear; each gloss, on the installed Keras.
    import keras

    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype(np.float32)
    assert keras.layers.LSTM(4)(x).shape == (2, 4)  # only the last step's output
    assert keras.layers.LSTM(4, return_sequences=True)(x).shape == (2, 5, 4)  # one at every step
    dense = keras.layers.Dense(1)
    per_step = keras.layers.TimeDistributed(dense)(x)
    each = np.stack([np.asarray(dense(x[:, step])) for step in range(5)], axis=1)
    np.testing.assert_allclose(np.asarray(per_step), each, rtol=1e-6)  # the same Dense on each step
    probabilities = np.asarray(keras.layers.Dense(10, activation="softmax")(x[:, 0]))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert (probabilities > 0).all()
    labels = np.array([3, 7])  # class numbers, not one-hot vectors
    loss = keras.losses.SparseCategoricalCrossentropy()(labels, probabilities)
    one_hot = keras.losses.CategoricalCrossentropy()(np.eye(10)[labels], probabilities)
    assert float(loss) == pytest.approx(float(one_hot), rel=1e-6)
