"""The seasonal naive baseline: the season detected or set, and the forecast it makes from the past only."""

import numpy as np
import pytest
from series_example import example_series_id

from statelab.engine.config import ConfigError, LabConfig, from_query, series_problems, to_query
from statelab.engine.data import make_lab_data
from statelab.engine.seasons import CO2_PERIOD, config_period, detect_period, seasonal_naive
from statelab.engine.tasks import co2_anomaly, forecast_streams, series_split


def noise(size: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=size)


@pytest.mark.parametrize("seed", range(5))
def test_a_cycle_is_found_with_noise_and_a_trend(seed):
    steps = np.arange(400)
    assert detect_period(np.sin(2 * np.pi * steps / 25) + 0.1 * noise(400, seed)) == 25
    assert detect_period(0.05 * steps + np.sin(2 * np.pi * steps / 12) + 0.3 * noise(400, seed)) == 12


@pytest.mark.parametrize("seed", range(5))
def test_noise_a_random_walk_and_a_trend_have_no_season(seed):
    assert detect_period(noise(400, seed)) == 0
    assert detect_period(np.cumsum(noise(400, seed))) == 0
    assert detect_period(np.arange(400.0) + 0.1 * noise(400, seed)) == 0
    assert detect_period(np.ones(400)) == 0 and detect_period(noise(8, seed)) == 0


def test_the_co2_anomaly_repeats_every_52_weeks_in_its_training_part():
    anomaly = co2_anomaly()
    train_stop, _ = series_split(anomaly.size, 104, 13)
    assert detect_period(anomaly[:train_stop]) == CO2_PERIOD == 52


def test_held_out_streams_carry_the_value_one_season_before_each_target():
    series = np.arange(1000, dtype=np.float64)  # each value is its own position
    held_out = forecast_streams(series, np.random.default_rng(0), 50, 40, 10, held_out=True, period=30)
    np.testing.assert_array_equal(held_out.seasonal, held_out.targets - 30)
    assert held_out.period == 30 and held_out.seasonal.min() >= 0
    train = forecast_streams(series, np.random.default_rng(0), 50, 40, 10, held_out=False, period=30)
    assert train.seasonal is None  # training needs no baseline
    with pytest.raises(ValueError, match="does not fit before the held-out part"):
        forecast_streams(series, np.random.default_rng(0), 5, 40, 10, held_out=True, period=900)


def test_the_seasonal_naive_forecast_repeats_the_last_season_seen():
    values = np.arange(100.0)
    np.testing.assert_array_equal(seasonal_naive(values, 50, 5, 12), [38, 39, 40, 41, 42])
    np.testing.assert_array_equal(seasonal_naive(values, 50, 8, 3), [47, 48, 49, 47, 48, 49, 47, 48])
    with pytest.raises(ValueError, match="needs at least"):
        seasonal_naive(values, 5, 3, 12)


def test_a_run_on_an_upload_detects_its_season_or_takes_the_learners():
    detected = LabConfig(task="own_series", series=example_series_id())
    assert config_period(detected) == make_lab_data(detected).period == 25  # the example's 25-step cycle
    chosen = LabConfig(task="own_series", series=example_series_id(), period=50)
    data = make_lab_data(chosen)
    assert data.period == 50 and data.eval_seasonal.shape == data.eval_y.shape
    assert make_lab_data(LabConfig(task="forecast", timesteps=13)).period == 52
    assert make_lab_data(LabConfig()).eval_seasonal is None


def test_a_season_that_cannot_work_is_refused_in_plain_words():
    with pytest.raises(ConfigError, match="A season of 1 step is persistence"):
        LabConfig(task="own_series", series=example_series_id(), period=1)
    with pytest.raises(ConfigError, match="season of an uploaded series: use it with the task 'own_series'"):
        LabConfig(period=12)
    with pytest.raises(ConfigError, match="between 0 and 20000"):
        LabConfig(task="own_series", series=example_series_id(), period=-3)
    too_long = LabConfig(task="own_series", series=example_series_id(), period=1000)
    [(name, message)] = series_problems(too_long)
    assert name == "period" and "longer than the part of your series before the held-out values" in message


def test_a_link_carries_the_season_and_drops_one_that_does_not_fit():
    config = LabConfig(task="own_series", series=example_series_id(), period=50)
    assert from_query(to_query(config)) == (config, [])
    restored, notes = from_query({**to_query(config), "period": "1000"})
    assert restored.period == 0 and "longer than the part of your series" in notes[0]
