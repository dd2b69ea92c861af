"""Forecasting one step at a time (lesson 10): train a stateless model on windows of a series' past,
copy its weights into a stateful model for one stream of any length, warm it up on the history, then
feed it its own predictions. Scored on the series' held-out end, against persistence and, for a seasonal
series, the seasonal naive forecast (the value one season earlier).

Imports TensorFlow: only workers call it. The series is the CO2 anomaly, or a learner's upload.
"""

from __future__ import annotations

import numpy as np

from statelab.engine.models import build_model, recurrent_of, reinitialize
from statelab.engine.seasons import CO2_PERIOD, detect_period, seasonal_naive
from statelab.engine.storage import series_path
from statelab.engine.tasks import TASK_SPECS, co2_anomaly, series_split, standardize

SIZES = {
    "timesteps": 26,
    "units": 16,
    "epochs": 15,
    "horizon": 26,
    "origins": 6,
    "stride": 4,  # steps between the starts of training windows
    "warm_up": 104,  # history values fed before forecasting: the last two years of weekly data
    "learning_rate": 0.01,
}


def load_series(series: str = "") -> np.ndarray:
    """The CO2 anomaly, or the uploaded series with this id (one value per line)."""
    if not series:
        return co2_anomaly()
    return np.loadtxt(series_path(series), dtype=np.float64, ndmin=1)


def training_windows(values: np.ndarray, timesteps: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows of `timesteps` values every `stride` steps (overlapping is fine for a stateless model),
    each with the next value of every step as its targets."""
    starts = np.arange(0, values.size - timesteps, stride)
    x = np.stack([values[start : start + timesteps] for start in starts])[..., None]
    y = np.stack([values[start + 1 : start + timesteps + 1] for start in starts])[..., None]
    return x.astype(np.float32), y.astype(np.float32)


def forecast_from(model, recurrent, history: np.ndarray, horizon: int) -> np.ndarray:
    """Warm a batch-1 stateful model up on the history, then feed it its own predictions."""
    recurrent.reset_state()
    forecasts = [float(model.predict_on_batch(history[None, :, None])[0, -1, 0])]  # the next value
    for _ in range(horizon - 1):
        step = model.predict_on_batch(np.array(forecasts[-1:], dtype=np.float32)[None, :, None])
        forecasts.append(float(step[0, -1, 0]))
    return np.array(forecasts)


def forecast_origins(size: int, held_out_start: int, horizon: int, count: int) -> np.ndarray:
    """Up to `count` forecast starts spread over the held-out part, each with `horizon` values after it."""
    last = size - horizon
    if last < held_out_start:
        raise ValueError(
            f"The held-out part ({size - held_out_start} values) is shorter than the horizon ({horizon}): "
            "upload a longer series or forecast fewer steps."
        )
    return np.unique(np.linspace(held_out_start, last, count).astype(int))


def build_models(sizes: dict, layer: str = "lstm"):
    """The stateless model to train (Adam, MSE) and the batch-1 stateful model it is copied into."""
    import keras

    spec = TASK_SPECS["forecast"]
    trained = build_model(spec, sizes["timesteps"], sizes["units"], seed=0, layer=layer)
    trained.compile(optimizer=keras.optimizers.Adam(sizes["learning_rate"]), loss="mse")
    single = build_model(spec, None, sizes["units"], 0, 1, layer)  # batch_shape (1, None, 1)
    return trained, single


def run_seed(models, values: np.ndarray, train_stop: int, origins: np.ndarray, seed: int, sizes: dict):
    """Train on values[:train_stop] from one seed's weights; forecasts (origins, horizon)."""
    import keras

    trained, single = models
    keras.utils.set_random_seed(seed)  # fit's shuffling
    reinitialize(trained, seed)
    for variable in trained.optimizer.variables:  # a fresh Adam without recompiling
        variable.assign(np.zeros(variable.shape, variable.dtype))
    trained.optimizer.learning_rate = sizes["learning_rate"]  # zeroed with the other variables
    x, y = training_windows(values[:train_stop], sizes["timesteps"], sizes["stride"])
    trained.fit(x, y, batch_size=64, epochs=sizes["epochs"], shuffle=True, verbose=0)
    single.set_weights(trained.get_weights())  # stateless weights, stateful model: same shapes
    recurrent, warm_up = recurrent_of(single), sizes["warm_up"]
    return np.stack(
        [
            forecast_from(single, recurrent, values[origin - warm_up : origin], sizes["horizon"])
            for origin in origins
        ]
    )


def one_step_forecast(
    series: str = "", seeds: tuple[int, ...] = (0, 1, 2), period: int = 0, layer: str = "lstm", **changes
) -> dict:
    """Forecasts of the held-out part over seeds, with persistence, the seasonal naive forecast (`period`
    steps back; 0: CO2's year, or the season detected in an uploaded series' training part) and the
    truth, in standardized units. `layer`: the recurrent layer, "lstm", "gru" or "simple_rnn"."""
    sizes = {**SIZES, **changes}
    raw = load_series(series)
    train_stop, held_out_start = series_split(raw.size, sizes["horizon"], sizes["timesteps"])
    sizes["warm_up"] = min(sizes["warm_up"], train_stop)
    if train_stop < 2 * sizes["timesteps"]:
        raise ValueError(
            f"The series has {raw.size} values: too few to train on windows of {sizes['timesteps']} and "
            "keep its last fifth for scoring."
        )
    values = standardize(raw, train_stop)
    origins = forecast_origins(values.size, held_out_start, sizes["horizon"], sizes["origins"])
    truth = np.stack([values[origin : origin + sizes["horizon"]] for origin in origins])
    persistence = np.repeat(values[origins - 1][:, None], sizes["horizon"], axis=1)
    period = period or (detect_period(raw[:train_stop]) if series else CO2_PERIOD)
    seasonal = None
    if period and origins.min() >= period:
        seasonal = np.stack([seasonal_naive(values, origin, sizes["horizon"], period) for origin in origins])
    models = build_models(sizes, layer)
    forecasts = np.stack([run_seed(models, values, train_stop, origins, seed, sizes) for seed in seeds])
    return {
        "sizes": sizes,
        "seeds": list(seeds),
        "train_stop": int(train_stop),
        "held_out_start": int(held_out_start),
        "origins": origins,
        "values": values,
        "truth": truth,
        "forecasts": forecasts,  # (seeds, origins, horizon)
        "model_error": ((forecasts - truth) ** 2).mean(axis=(1, 2)),  # per seed
        "persistence_error": float(((persistence - truth) ** 2).mean()),
        "mean_error": float((truth**2).mean()),  # always forecasting the training part's mean (0)
        "period": period if seasonal is not None else 0,
        "seasonal": seasonal,  # (origins, horizon), or None without a season
        "seasonal_error": float("nan") if seasonal is None else float(((seasonal - truth) ** 2).mean()),
    }
