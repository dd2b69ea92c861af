"""Task generators: seeded streams of inputs with per-step targets (NumPy only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from statelab.engine.storage import series_path

CO2_CSV = Path(__file__).parents[1] / "data" / "mauna_loa_co2_weekly.csv"


@dataclass(frozen=True)
class TaskData:
    """Streams of one task: `inputs` (streams, length, features), `targets` (streams, length)."""

    inputs: np.ndarray
    targets: np.ndarray
    span: int = 0  # how many values of a real series the streams were cut from (0: generated data)
    seasonal: np.ndarray | None = None  # held-out forecasts: the value one season before each target
    period: int = 0  # steps in one season of the series (0: none known)


@dataclass(frozen=True)
class TaskSpec:
    """What a task is: its kind of target and how to generate it."""

    id: str
    title: str
    description: str
    kind: str  # "binary", "multiclass" or "regression"
    features: int
    classes: int
    per_step: bool  # True: one target per step (return_sequences); False: one per window
    generate: Callable[..., TaskData]  # (rng, n_streams, length, timesteps, held_out) -> TaskData
    forecast: bool = False  # the target is the next input value, so "next = this" is a baseline


def make_cue(
    rng: np.random.Generator, n_streams: int, length: int, timesteps: int, held_out: bool = False
) -> TaskData:
    """A +-1.5 cue at step 0, small noise after; the target is the cue's sign everywhere."""
    signs = rng.choice([-1.0, 1.0], size=n_streams)
    inputs = rng.normal(0.0, 0.3, size=(n_streams, length))
    inputs[:, 0] = 1.5 * signs
    targets = np.repeat((signs > 0).astype(np.float32)[:, None], length, axis=1)
    return TaskData(inputs[..., None].astype(np.float32), targets)


def make_running_total(
    rng: np.random.Generator, n_streams: int, length: int, timesteps: int, held_out: bool = False
) -> TaskData:
    """Sparse +-1 events (1 step in 5); the target is 1 if the total since the start is > 0, else 0."""
    events = rng.choice([-1.0, 1.0], size=(n_streams, length)) * (rng.random((n_streams, length)) < 0.2)
    totals = np.cumsum(events, axis=1)
    return TaskData(events[..., None].astype(np.float32), (totals > 0).astype(np.float32))


def make_control(
    rng: np.random.Generator, n_streams: int, length: int, timesteps: int, held_out: bool = False
) -> TaskData:
    """Gaussian noise; the target is the sign of the mean of the last steps, all inside the window."""
    span = max(1, timesteps // 2)
    inputs = rng.normal(size=(n_streams, length))
    sums = np.cumsum(inputs, axis=1)
    trailing = sums - np.concatenate([np.zeros((n_streams, span)), sums[:, :-span]], axis=1)
    return TaskData(inputs[..., None].astype(np.float32), (trailing > 0).astype(np.float32))


def make_random_labels(features: int, classes: int) -> Callable[..., TaskData]:
    """The source article's data: uniform random inputs and labels that nothing can predict."""

    def generate(
        rng: np.random.Generator, n_streams: int, length: int, timesteps: int, held_out: bool = False
    ) -> TaskData:
        inputs = rng.random((n_streams, length, features)).astype(np.float32)
        if classes == 0:
            return TaskData(inputs, rng.random((n_streams, length)).astype(np.float32))
        labels = rng.integers(0, classes, size=(n_streams, length)).astype(np.float32)
        return TaskData(inputs, labels)

    return generate


@cache
def load_co2_series() -> np.ndarray:
    """The weekly Mauna Loa CO2 series (ppmv), gaps filled by linear interpolation."""
    values = np.genfromtxt(CO2_CSV, delimiter=",", comments="#", skip_header=7, usecols=1)
    missing = np.isnan(values)
    steps = np.arange(values.size)
    values[missing] = np.interp(steps[missing], steps[~missing], values[~missing])
    return values


def co2_anomaly(weeks: int = 52) -> np.ndarray:
    """Each week's CO2 minus its mean over the `weeks` before: the seasonal cycle, from the past only.

    Unlike a trend fitted to the whole series, this uses no later value, so a forecast scored on the
    later years learns nothing about them in advance.
    """
    series = load_co2_series()
    trailing = np.convolve(series, np.ones(weeks) / weeks, mode="valid")  # [i]: mean of weeks i..i+weeks-1
    return series[weeks:] - trailing[:-1]


def standardize(series: np.ndarray, stop: int | None = None) -> np.ndarray:
    """A series shifted and scaled so that its first `stop` values (default: all) have mean 0, variance 1."""
    past = series[:stop]
    return ((series - past.mean()) / past.std()).astype(np.float32)


def series_split(size: int, length: int, timesteps: int, held_out_share: float = 0.2) -> tuple[int, int]:
    """(end of the training part, start of the held-out part) of a series of `size` values.

    The held-out part is the series' last fifth, and at least one stream long; a gap of one window
    (`timesteps` values) separates it from the training part, so no training target is held out.
    """
    held_out_start = size - max(int(np.ceil(held_out_share * size)), length + 1)
    return held_out_start - timesteps, held_out_start


def fitting_windows(size: int, timesteps: int) -> int:
    """The most windows of `timesteps` steps a stream can have in a series of `size` values (0: none)."""
    windows = 0
    while series_split(size, (windows + 1) * timesteps, timesteps)[0] >= (windows + 1) * timesteps + 1:
        windows += 1
    return windows


def forecast_streams(
    series: np.ndarray,
    rng: np.random.Generator,
    n_streams: int,
    length: int,
    timesteps: int,
    held_out: bool,
    period: int = 0,
) -> TaskData:
    """Stretches of a series at random offsets; the target at every step is the next value.

    Training streams come from the past, held-out streams from the part after the gap, so a held-out
    score measures forecasting of later data, not memory of the data trained on. Held-out streams of a
    series with a season of `period` steps also carry the seasonal naive forecast: the value one season
    before each target, already known when the forecast is made.
    """
    train_stop, held_out_start = series_split(series.size, length, timesteps)
    start, stop = (held_out_start, series.size) if held_out else (0, train_stop)
    if stop - start < length + 1:
        raise ValueError(
            f"A stream of {length} steps does not fit twice in a series of {series.size} values (once in "
            "the past for training, once in the later part held out for scoring, one window apart): "
            "use fewer windows per stream or shorter windows."
        )
    if not 0 <= period <= held_out_start:
        raise ValueError(
            f"A season of {period} steps does not fit before the held-out part (it starts at step "
            f"{held_out_start}): use a season between 2 and {held_out_start} steps, or 0 for none."
        )
    starts = rng.integers(start, stop - length, size=n_streams)
    stretches = np.stack([series[s : s + length + 1] for s in starts])
    seasonal = None
    if held_out and period:
        seasonal = np.stack([series[s + 1 - period : s + 1 - period + length] for s in starts])
    return TaskData(stretches[:, :-1, None], stretches[:, 1:], stop - start, seasonal, period)


def make_forecast(
    rng: np.random.Generator,
    n_streams: int,
    length: int,
    timesteps: int,
    held_out: bool = False,
    period: int = 52,
) -> TaskData:
    """Stretches of the CO2 anomaly, scaled by its training part; the target is next week's value.

    The series is weekly, so its season (one year) is 52 steps: the same week a year earlier.
    """
    anomaly = co2_anomaly()
    train_stop, _ = series_split(anomaly.size, length, timesteps)
    series = standardize(anomaly, train_stop)
    return forecast_streams(series, rng, n_streams, length, timesteps, held_out, period)


def make_series_forecast(series_csv: str, period: int = 0) -> Callable[..., TaskData]:
    """Next-value forecasting on a learner's series, stored one value per line in `series_csv`, with a
    season of `period` steps (0: none)."""

    def generate(
        rng: np.random.Generator, n_streams: int, length: int, timesteps: int, held_out: bool = False
    ) -> TaskData:
        series = np.loadtxt(series_csv, dtype=np.float64, ndmin=1)
        train_stop, _ = series_split(series.size, length, timesteps)
        scaled = standardize(series, train_stop)
        return forecast_streams(scaled, rng, n_streams, length, timesteps, held_out, period)

    return generate


def no_series(
    rng: np.random.Generator, n_streams: int, length: int, timesteps: int, held_out: bool = False
) -> TaskData:
    """The own-series task before a series is chosen: nothing to generate."""
    raise ValueError("The task 'own_series' needs an uploaded series: upload a CSV file first.")


def article_spec(id: str, title: str, description: str, kind: str, features: int, classes: int) -> TaskSpec:
    """One of the source article's examples: random data (`classes` 0: a random number at every step)."""
    number = {"binary": "first", "multiclass": "second", "regression": "third"}[kind]
    return TaskSpec(
        id=id,
        title=title,
        description=f"The source article's {number} example: {description}. Nothing to learn.",
        kind=kind,
        features=features,
        classes=classes,
        per_step=kind == "regression",
        generate=make_random_labels(features, classes),
    )


ARTICLE_EXAMPLES = {  # id -> (title, what the data is, kind, features, classes)
    "article_binary": (
        "Article example 1: binary, random labels",
        "random inputs and labels",
        "binary",
        1,
        2,
    ),
    "article_multiclass": (
        "Article example 2: 3 features, 10 classes, random labels",
        "random labels out of 10 classes",
        "multiclass",
        3,
        10,
    ),
    "article_seq2seq": (
        "Article example 3: per-step regression on random targets",
        "a target per step, but random",
        "regression",
        1,
        0,
    ),
}
BINARY = {"kind": "binary", "features": 1, "classes": 2, "per_step": False}  # one label per window
NEXT_VALUE = {"kind": "regression", "features": 1, "classes": 0, "per_step": True, "forecast": True}

TASK_SPECS: dict[str, TaskSpec] = {
    spec.id: spec
    for spec in [
        TaskSpec(
            id="cue",
            title="Cue recall",
            description=(
                "A cue at the very start of a stream decides every label: only carried state knows it."
            ),
            **BINARY,
            generate=make_cue,
        ),
        TaskSpec(
            id="running_total",
            title="Running total",
            description="Sparse +-1 events; the label is 1 if their total so far is > 0, else 0 (a tie: 0).",
            **BINARY,
            generate=make_running_total,
        ),
        TaskSpec(
            id="control",
            title="Control (window holds the evidence)",
            description=(
                "The label depends only on the last few steps, all inside the window: state is not needed."
            ),
            **BINARY,
            generate=make_control,
        ),
        *(article_spec(task_id, *example) for task_id, example in ARTICLE_EXAMPLES.items()),
        TaskSpec(
            id="forecast",
            title="Forecast: Mauna Loa CO2",
            description="Next week's CO2 less its past year's mean: trained on early years, scored on later.",
            generate=make_forecast,
            **NEXT_VALUE,
        ),
        TaskSpec(
            id="own_series",
            title="Forecast: your own series (CSV)",
            description="Your series' next value at every step: trained on its start, scored on its end.",
            generate=no_series,
            **NEXT_VALUE,
        ),
    ]
}

TASKS: dict[str, str] = {task_id: spec.description for task_id, spec in TASK_SPECS.items()}


def task_spec(task: str, series: str = "", period: int = 0) -> TaskSpec:
    """The spec of a task id (with the uploaded series it uses and its season, if any), or a helpful
    ValueError."""
    if task not in TASK_SPECS:
        raise ValueError(f"Unknown task {task!r}: choose one of {', '.join(TASK_SPECS)}.")
    if task == "own_series" and series:
        return replace(TASK_SPECS[task], generate=make_series_forecast(str(series_path(series)), period))
    return TASK_SPECS[task]


def make_task(
    task: str,
    n_streams: int,
    length: int,
    timesteps: int,
    seed: int | list[int],
    series: str = "",
    held_out: bool = False,
    period: int = 0,
) -> TaskData:
    """Generate `n_streams` streams of `length` steps of a task, reproducibly from `seed`.

    `held_out` streams are for scoring: a real series gives them from its later part, never trained on.
    `period` is the season of an uploaded series (0: none), for its seasonal naive forecast.
    """
    generate = task_spec(task, series, period).generate
    return generate(np.random.default_rng(seed), n_streams, length, timesteps, held_out)
