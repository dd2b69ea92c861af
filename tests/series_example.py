"""An example CSV series as a learner might upload it: a date column, a header, a gap, noise."""

import numpy as np

from statelab.engine.storage import store_series
from statelab.engine.upload import read_series_csv


def example_csv(n_values: int = 600, seed: int = 0) -> bytes:
    """A noisy 25-step cycle with a date column and a header row; value 10 is missing."""
    noise = np.random.default_rng(seed).normal(0, 0.1, n_values)
    values = np.sin(2 * np.pi * np.arange(n_values) / 25) + noise
    lines = [
        f"day {index},{value:.5f}" if index != 10 else f"day {index}," for index, value in enumerate(values)
    ]
    return ("date,level\n" + "\n".join(lines) + "\n").encode()


def example_series_id() -> str:
    """The example series read as the Lab reads an upload and stored on this server (test cache)."""
    values, _ = read_series_csv(example_csv(), "example.csv")
    return store_series(values)
