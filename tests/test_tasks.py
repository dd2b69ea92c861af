"""Task generators: shapes, determinism, and that the targets mean what they say."""

import numpy as np
import pytest
from series_example import example_series_id

from statelab.tasks import TASK_SPECS, co2_anomaly, load_co2_series, make_task


@pytest.mark.parametrize("task", list(TASK_SPECS))
def test_shapes_and_determinism(task):
    spec = TASK_SPECS[task]
    series = example_series_id() if task == "own_series" else ""
    first, again, other = (make_task(task, 6, 40, 10, seed, series) for seed in (3, 3, 4))
    assert first.inputs.shape == (6, 40, spec.features) and first.targets.shape == (6, 40)
    np.testing.assert_array_equal(first.inputs, again.inputs)
    assert not np.array_equal(first.inputs, other.inputs)


def test_cue_sign_is_the_label_of_every_step():
    data = make_task("cue", 50, 30, 10, seed=0)
    np.testing.assert_array_equal(data.targets, np.repeat((data.inputs[:, :1, 0] > 0), 30, axis=1))


def test_running_total_label_is_sign_of_cumulative_sum():
    data = make_task("running_total", 20, 50, 10, seed=1)
    np.testing.assert_array_equal(data.targets, np.cumsum(data.inputs[..., 0], axis=1) > 0)


def test_control_label_depends_only_on_the_last_half_window():
    data = make_task("control", 4, 30, 10, seed=2)
    x = data.inputs[..., 0]
    assert data.targets[1, 20] == (x[1, 16:21].sum() > 0)


def test_random_labels_are_balanced_noise():
    labels = make_task("article_multiclass", 200, 30, 30, seed=0).targets
    assert set(np.unique(labels)) == set(range(10))


def test_co2_series_is_complete_and_real():
    series = load_co2_series()
    assert series.size == 2284 and not np.isnan(series).any()
    assert 310 < series[0] < 320 and 365 < series[-1] < 375  # ppmv, 1958 and 2001
    anomaly = co2_anomaly()
    assert abs(anomaly.mean()) < 0.01 and abs(anomaly.std() - 1) < 1e-3


def test_forecast_target_is_next_input():
    data = make_task("forecast", 3, 40, 10, seed=0)
    np.testing.assert_array_equal(data.targets[:, :-1], data.inputs[:, 1:, 0])
