"""Task generators: shapes, determinism, and that the targets mean what they say."""

import numpy as np
import pytest
from series_example import example_series_id

from statelab.engine.tasks import (
    TASK_SPECS,
    co2_anomaly,
    fitting_windows,
    forecast_streams,
    load_co2_series,
    make_task,
    series_split,
    standardize,
)


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


def test_co2_anomaly_uses_only_the_past():
    series, anomaly = load_co2_series(), co2_anomaly()
    assert anomaly.size == series.size - 52
    for week in (0, 1000, anomaly.size - 1):
        assert anomaly[week] == pytest.approx(series[week + 52] - series[week : week + 52].mean())


def test_forecast_target_is_next_input():
    data = make_task("forecast", 3, 40, 10, seed=0)
    np.testing.assert_array_equal(data.targets[:, :-1], data.inputs[:, 1:, 0])


@pytest.mark.parametrize(("size", "length", "timesteps"), [(2232, 104, 13), (100, 40, 10), (300, 80, 10)])
def test_the_held_out_part_comes_after_the_training_part_and_a_gap_of_one_window(size, length, timesteps):
    train_stop, held_out_start = series_split(size, length, timesteps)
    assert held_out_start - train_stop == timesteps
    assert size - held_out_start >= max(length + 1, 0.2 * size)
    series = np.arange(size, dtype=np.float64)  # each value is its own position
    train = forecast_streams(series, np.random.default_rng(0), 500, length, timesteps, held_out=False)
    held_out = forecast_streams(series, np.random.default_rng(0), 500, length, timesteps, held_out=True)
    assert train.targets.max() < train_stop and held_out.inputs.min() >= held_out_start
    assert (train.span, held_out.span) == (train_stop, size - held_out_start)


def test_a_series_is_scaled_by_its_training_part_only():
    series = np.concatenate([np.random.default_rng(0).normal(size=200), np.full(100, 50.0)])
    scaled = standardize(series, stop=200)
    assert abs(scaled[:200].mean()) < 1e-6 and abs(scaled[:200].std() - 1) < 1e-5
    assert scaled[250] > 40  # the later level stays a surprise: nothing of it leaked into the scale


def test_fitting_windows_is_the_most_that_fit():
    for size, timesteps in [(100, 10), (300, 10), (2232, 13), (100, 1)]:
        most = fitting_windows(size, timesteps)
        fits = [
            series_split(size, n * timesteps, timesteps)[0] >= n * timesteps + 1 for n in (most, most + 1)
        ]
        assert fits == [True, False]
