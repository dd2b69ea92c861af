"""Every claim the lessons make about Keras behaviour, checked on the installed Keras.

The lessons quote these experiments live; if a Keras upgrade changes the truth, these tests fail
instead of a lesson silently teaching something false.
"""

import pickle

import numpy as np
import pytest

from statelab import keras_facts
from statelab.demos import DEMOS, run_demo

FACTS = [name for name in DEMOS if name != "gradient_boundary"]  # the gradient has tests/test_gradients.py


@pytest.fixture(scope="module")
def facts() -> dict:
    """Each Keras experiment run once, with the defaults the lessons use."""
    return {name: run_demo(name) for name in FACTS}


def refused(outcome: dict, error_type: str, *phrases: str) -> None:
    """The call raised `error_type`, and Keras's message says each phrase."""
    assert not outcome["ok"], f"expected {error_type}, but the call worked: {outcome}"
    assert outcome["type"] == error_type, outcome
    for phrase in phrases:
        assert phrase in outcome["message"], (phrase, outcome["message"])


def test_every_fact_is_a_registered_demo_with_a_picklable_value(facts):
    assert set(FACTS) >= {
        "batch_size_declaration",
        "reset_api",
        "state_per_row",
        "state_across_epochs",
        "predict_advances_state",
        "other_batch_size",
        "partial_batch",
        "state_not_saved",
        "fit_order",
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
    value = facts["reset_api"]
    refused(value["functional_reset_states"], "AttributeError", "reset_states")
    refused(value["sequential_reset_states"], "AttributeError", "reset_states")
    assert value["norm_before_reset"] > 0.01
    assert value["norm_after_layer_reset"] == 0.0


def test_reset_state_on_a_stateless_layer_is_a_silent_no_op(facts):
    value = facts["reset_api"]
    assert value["stateless_reset"] == {"ok": True, "value": None}
    assert value["stateless_states"] is None


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


def test_another_batch_size_fails_or_silently_broadcasts_and_the_fix_works(facts):
    value = facts["other_batch_size"]
    refused(value["fresh_model"], "ValueError", "Expected batch size: 10", "Received batch size: 1")
    assert value["after_full_batch"] == {"ok": True, "value": (10, 1)}  # one sample in, ten rows out
    assert value["fixed_shape"] == (1, 1)
    assert value["fixed_matches_row_0"] <= 1e-5


def test_samples_must_be_a_multiple_of_the_batch_size(facts):
    value = facts["partial_batch"]
    refused(value["fit"], "InvalidArgumentError", "Incompatible shapes")
    for call in ("predict", "evaluate", "validation"):
        refused(value[call], "InvalidArgumentError", "Incompatible shapes")
    assert "File " not in value["fit"]["message"]  # the quoted text has no traceback lines


def test_state_is_not_a_weight_and_is_not_saved(facts):
    value = facts["state_not_saved"]
    assert not value["state_in_weights"]
    assert value["weight_shapes"] == [(1, 32), (8, 32), (32,), (8, 1), (1,)]
    assert value["norm_before_save"] > 0.01
    assert value["norm_after_load"] == 0.0
    assert value["norm_after_assign"] == pytest.approx(value["norm_before_save"])  # states[i].assign works


def test_fit_shuffle_settings_as_fit_really_applies_them(facts):
    orders = facts["fit_order"]["orders"]
    plain, shuffled, batch = orders["False"], orders["True"], orders["batch"]
    assert facts["fit_order"]["fit_default_shuffle"] is True
    np.testing.assert_array_equal(plain, np.arange(12).reshape(3, 4))
    assert sorted(shuffled.ravel()) == list(range(12)) and not np.array_equal(shuffled, plain)
    assert any(set(row) != set(original) for row, original in zip(shuffled, plain, strict=True))
    assert [set(row) for row in batch] == [set(row) for row in plain]  # batches kept, in order
    assert not np.array_equal(batch, plain)  # rows permuted inside them


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
