"""No gradient crosses a stateful batch boundary (only the state value does); in one sequence it does."""

import numpy as np
import pytest

from statelab.charts.continuity import plot_gradient_boundary
from statelab.engine.gradients import gradient_across_boundary


@pytest.fixture(scope="module", params=[0, 1, 2])
def result(request):
    return gradient_across_boundary(units=8, timesteps=5, seed=request.param)


def test_gradient_is_exactly_zero_across_a_stateful_batch_boundary(result):
    assert result["stateful_connected"] is False  # the tape found no path from window k+1 back to window k
    assert result["stateful_norm"] == 0.0
    np.testing.assert_array_equal(result["stateful_gradient"], np.zeros(5))
    assert result["carried_state_norm"] > 1e-3  # yet the state's value did carry over


def test_gradient_flows_inside_one_sequence(result):
    assert result["one_sequence_gradient"].shape == (5,)
    assert result["one_sequence_norm"] > 1e-4
    assert (result["one_sequence_gradient"] > 0).all()


def test_both_settings_compute_the_same_loss(result):
    # same weights, same state entering window k+1: only the backward pass differs
    assert result["stateful_loss"] == pytest.approx(result["one_sequence_loss"], rel=1e-5)


def test_result_is_plain_numbers_and_plots(result):
    assert all(
        isinstance(result[key], float) for key in ("stateful_norm", "one_sequence_norm", "stateful_loss")
    )
    assert isinstance(result["one_sequence_gradient"], np.ndarray)
    figure = plot_gradient_boundary(result)
    assert len(figure.data) == 2 and max(figure.data[1].y) > 0


@pytest.mark.parametrize("arguments", [{"timesteps": 0}, {"units": 2.5}, {"seed": -1}])
def test_bad_arguments_are_explained(arguments):
    with pytest.raises(ValueError, match="must be a whole number"):
        gradient_across_boundary(**arguments)
