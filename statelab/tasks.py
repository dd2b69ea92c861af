"""Task generators: seeded streams of inputs with per-step targets (NumPy only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from statelab.storage import series_path

CO2_CSV = Path(__file__).parent / "data" / "mauna_loa_co2_weekly.csv"


@dataclass(frozen=True)
class TaskData:
    """Streams of one task: `inputs` (streams, length, features), `targets` (streams, length)."""

    inputs: np.ndarray
    targets: np.ndarray


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
    generate: Callable[[np.random.Generator, int, int, int], TaskData]

    @property
    def chance(self) -> float:
        """Accuracy of guessing (classification), or NaN for regression."""
        return 1.0 / self.classes if self.kind != "regression" else float("nan")


def make_cue(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
    """A +-1.5 cue at step 0, small noise after; the target is the cue's sign everywhere."""
    signs = rng.choice([-1.0, 1.0], size=n_streams)
    inputs = rng.normal(0.0, 0.3, size=(n_streams, length))
    inputs[:, 0] = 1.5 * signs
    targets = np.repeat((signs > 0).astype(np.float32)[:, None], length, axis=1)
    return TaskData(inputs[..., None].astype(np.float32), targets)


def make_running_total(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
    """Sparse +-1 events (1 step in 5); the target is whether the total since the start is > 0."""
    events = rng.choice([-1.0, 1.0], size=(n_streams, length)) * (rng.random((n_streams, length)) < 0.2)
    totals = np.cumsum(events, axis=1)
    return TaskData(events[..., None].astype(np.float32), (totals > 0).astype(np.float32))


def make_control(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
    """Gaussian noise; the target is the sign of the mean of the last steps, all inside the window."""
    span = max(1, timesteps // 2)
    inputs = rng.normal(size=(n_streams, length))
    sums = np.cumsum(inputs, axis=1)
    trailing = sums - np.concatenate([np.zeros((n_streams, span)), sums[:, :-span]], axis=1)
    return TaskData(inputs[..., None].astype(np.float32), (trailing > 0).astype(np.float32))


def make_random_labels(features: int, classes: int) -> Callable[..., TaskData]:
    """The source article's data: uniform random inputs and labels that nothing can predict."""

    def generate(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
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


def co2_anomaly() -> np.ndarray:
    """CO2 with its quadratic trend removed and scaled to unit variance: the seasonal cycle."""
    series = load_co2_series()
    steps = np.arange(series.size)
    return standardize(series - np.polyval(np.polyfit(steps, series, 2), steps))


def standardize(series: np.ndarray) -> np.ndarray:
    """A series shifted to mean 0 and scaled to unit variance."""
    return ((series - series.mean()) / series.std()).astype(np.float32)


def forecast_streams(series: np.ndarray, rng: np.random.Generator, n_streams: int, length: int) -> TaskData:
    """Stretches of a series at random offsets; the target at every step is the next value."""
    if length + 1 > series.size:
        raise ValueError(
            f"A stream of {length} steps is longer than the series ({series.size - 1} steps): "
            "use fewer windows per stream or shorter windows."
        )
    starts = rng.integers(0, series.size - length, size=n_streams)
    stretches = np.stack([series[s : s + length + 1] for s in starts])
    return TaskData(stretches[:, :-1, None], stretches[:, 1:])


def make_forecast(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
    """Stretches of the CO2 anomaly at random offsets; the target is next week's value."""
    return forecast_streams(co2_anomaly(), rng, n_streams, length)


def make_series_forecast(series_csv: str) -> Callable[..., TaskData]:
    """Next-value forecasting on a learner's series, stored one value per line in `series_csv`."""

    def generate(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
        series = standardize(np.loadtxt(series_csv, dtype=np.float64, ndmin=1))
        return forecast_streams(series, rng, n_streams, length)

    return generate


def no_series(rng: np.random.Generator, n_streams: int, length: int, timesteps: int) -> TaskData:
    """The own-series task before a series is chosen: nothing to generate."""
    raise ValueError("The task 'own_series' needs an uploaded series: upload a CSV file first.")


TASK_SPECS: dict[str, TaskSpec] = {
    spec.id: spec
    for spec in [
        TaskSpec(
            "cue",
            "Cue recall",
            "A cue at the very start of a stream decides every label: only carried state knows it.",
            "binary",
            1,
            2,
            False,
            make_cue,
        ),
        TaskSpec(
            "running_total",
            "Running total",
            "Sparse +-1 events; the label is the sign of the total since the stream began.",
            "binary",
            1,
            2,
            False,
            make_running_total,
        ),
        TaskSpec(
            "control",
            "Control (window holds the evidence)",
            "The label depends only on the last few steps, all inside the window: state is not needed.",
            "binary",
            1,
            2,
            False,
            make_control,
        ),
        TaskSpec(
            "article_binary",
            "Article example 1: binary, random labels",
            "The source article's first example: random inputs and random labels. Nothing to learn.",
            "binary",
            1,
            2,
            False,
            make_random_labels(1, 2),
        ),
        TaskSpec(
            "article_multiclass",
            "Article example 2: 3 features, 10 classes, random labels",
            "The source article's second example: random labels out of 10 classes. Nothing to learn.",
            "multiclass",
            3,
            10,
            False,
            make_random_labels(3, 10),
        ),
        TaskSpec(
            "article_seq2seq",
            "Article example 3: per-step regression on random targets",
            "The source article's third example: a target per step, but random. Nothing to learn.",
            "regression",
            1,
            0,
            True,
            make_random_labels(1, 0),
        ),
        TaskSpec(
            "forecast",
            "Forecast: Mauna Loa CO2",
            "Predict next week's CO2 (trend removed) at every step: a real, public-domain series.",
            "regression",
            1,
            0,
            True,
            make_forecast,
        ),
        TaskSpec(
            "own_series",
            "Forecast: your own series (CSV)",
            "Predict the next value at every step of a series you upload, scaled to mean 0 and variance 1.",
            "regression",
            1,
            0,
            True,
            no_series,
        ),
    ]
}

TASKS: dict[str, str] = {task_id: spec.description for task_id, spec in TASK_SPECS.items()}


def task_spec(task: str, series: str = "") -> TaskSpec:
    """The spec of a task id (with the uploaded series it uses, if any), or a helpful ValueError."""
    if task not in TASK_SPECS:
        raise ValueError(f"Unknown task {task!r}: choose one of {', '.join(TASK_SPECS)}.")
    if task == "own_series" and series:
        return replace(TASK_SPECS[task], generate=make_series_forecast(str(series_path(series))))
    return TASK_SPECS[task]


def make_task(
    task: str, n_streams: int, length: int, timesteps: int, seed: int | list[int], series: str = ""
) -> TaskData:
    """Generate `n_streams` streams of `length` steps of a task, reproducibly from `seed`."""
    return task_spec(task, series).generate(np.random.default_rng(seed), n_streams, length, timesteps)
