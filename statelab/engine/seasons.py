"""The season of a series (for the seasonal naive forecast): detected from its past, or set by the learner.

The seasonal naive forecast predicts every value as the value one season earlier (the same week a year
before, for weekly data). On a seasonal series it is the fair baseline a forecast must beat.
"""

from __future__ import annotations

import inspect

import numpy as np

from statelab.engine.config import LabConfig
from statelab.engine.storage import series_path
from statelab.engine.tasks import make_forecast, series_split

MIN_SEASONS = 3  # a season is detected only if the past holds at least this many of them
MIN_CORRELATION = 0.3  # how alike two values one season apart must be (autocorrelation), at least
NOISE_SIGMAS = 4  # ... and this many times the spread noise alone gives an autocorrelation (1 / sqrt(n))
MIN_RISE = 0.3  # how far the autocorrelation must climb back from its lowest point before the season
PEAK_TOLERANCE = 0.1  # a peak this close to the highest one counts as high
CO2_PERIOD = inspect.signature(make_forecast).parameters["period"].default  # weekly data: one year


def autocorrelation(values: np.ndarray, max_lag: int) -> np.ndarray:
    """The autocorrelation of a series at lags 0..max_lag, after removing its straight-line trend."""
    steps = np.arange(values.size)
    residual = values - np.polyval(np.polyfit(steps, values, 1), steps)
    residual = residual - residual.mean()
    variance = float((residual**2).mean())
    if variance == 0.0:
        return np.zeros(max_lag + 1)
    return np.array(
        [1.0] + [float((residual[:-lag] * residual[lag:]).mean()) / variance for lag in range(1, max_lag + 1)]
    )


def detect_period(values: np.ndarray) -> int:
    """The season of a series in steps, or 0 when it shows none.

    A season is a lag of at least 2 steps where the autocorrelation peaks clearly above what noise gives,
    after falling at least MIN_RISE below that peak at a shorter lag (so a slow trend is no season), and
    that fits MIN_SEASONS times into the series. Multiples of a season peak about as high, so the
    shortest peak within PEAK_TOLERANCE of the highest wins.
    """
    values = np.asarray(values, dtype=np.float64)
    max_lag = values.size // MIN_SEASONS
    if max_lag < 3:
        return 0
    correlation = autocorrelation(values, max_lag)
    least = max(MIN_CORRELATION, NOISE_SIGMAS / np.sqrt(values.size))
    peaks = [
        lag
        for lag in range(2, max_lag)
        if correlation[lag - 1] < correlation[lag] >= correlation[lag + 1]
        and correlation[lag] >= least
        and correlation[lag] - correlation[1:lag].min() >= MIN_RISE
    ]
    if not peaks:
        return 0
    highest = max(correlation[lag] for lag in peaks)
    return next(lag for lag in peaks if correlation[lag] >= highest - PEAK_TOLERANCE)


def config_period(config: LabConfig) -> int:
    """The season of a run's uploaded series: the learner's choice, or one detected in the part the
    models train on (0: none, or no uploaded series; the CO2 task knows its own)."""
    if config.task != "own_series" or not config.series:
        return 0
    if config.period:
        return config.period
    series = np.loadtxt(series_path(config.series), dtype=np.float64, ndmin=1)
    train_stop, _ = series_split(series.size, config.stream_length, config.timesteps)
    return detect_period(series[:train_stop])


def seasonal_naive(values: np.ndarray, origin: int, horizon: int, period: int) -> np.ndarray:
    """Forecasts of values[origin:origin + horizon] from values before `origin`: each the value a whole
    number of seasons earlier (the last season seen, repeated)."""
    if not 1 <= period <= origin:
        raise ValueError(f"A season of {period} steps needs at least that many values before step {origin}.")
    steps = np.arange(horizon)
    return values[origin + steps - period * (steps // period + 1)]
