"""Sliding windows against consecutive windows for a stateful model: the running-total task trained
on the compiled engine with each layout, several seeds, scored on held-out streams (lesson 9).

Consecutive windows hand each row's state to the next piece of the same stream; sliding windows
(stride 1) hand it to a window that overlaps the steps the state has already read, so the carried
state counts them again. Imports TensorFlow (through the engine): only workers call it.
"""

from __future__ import annotations

import numpy as np

from statelab.engine.compiled import Engine, Shape
from statelab.engine.tasks import TASK_SPECS, make_running_total

LAYOUTS = {  # layout -> (stride between window starts, reset before every batch)
    "consecutive": ("timesteps", False),
    "sliding": (1, False),
    "each window alone": ("timesteps", True),
}


def window_starts(length: int, timesteps: int, stride: int) -> np.ndarray:
    """Where each window of a stream starts, `stride` steps apart, the last one ending at the stream end."""
    if not 1 <= stride <= timesteps <= length or (length - timesteps) % stride:
        raise ValueError(
            f"Windows of {timesteps} steps, {stride} apart, must tile a stream of {length} steps: "
            "pick a stride from 1 to timesteps that divides length - timesteps."
        )
    return np.arange(0, length - timesteps + 1, stride)


def as_stream_batches(streams: np.ndarray, batch_size: int, starts: np.ndarray, timesteps: int) -> np.ndarray:
    """(streams, length, ...) -> batches (groups x windows, batch_size, timesteps, ...) in stateful order:
    batch k of a group holds window k of each of its streams, stream i in row i."""
    windows = np.stack([streams[:, start : start + timesteps] for start in starts], axis=1)
    groups = windows.reshape(-1, batch_size, *windows.shape[1:])  # (groups, rows, windows, ...)
    return np.swapaxes(groups, 1, 2).reshape(-1, batch_size, *windows.shape[2:])


def run_layout(layout: str, seed: int, sizes: dict) -> np.ndarray:
    """Train one layout on one seed; held-out accuracy at the end of each consecutive window."""
    stride, reset_every_batch = LAYOUTS[layout]
    timesteps, length, batch_size = sizes["timesteps"], sizes["length"], sizes["batch_size"]
    starts = window_starts(length, timesteps, timesteps if stride == "timesteps" else stride)
    rng = np.random.default_rng([seed, 1])
    train, held_out = (make_running_total(rng, n * batch_size, length, timesteps) for n in sizes["groups"])
    spec = TASK_SPECS["running_total"]
    batches = lambda data: (  # noqa: E731
        as_stream_batches(data.inputs, batch_size, starts, timesteps),
        as_stream_batches(data.targets[..., None], batch_size, starts, timesteps)[:, :, -1, 0],
    )
    (train_x, train_y), (eval_x, eval_y) = batches(train), batches(held_out)
    shape = Shape("stateful", "binary", 1, 2, False, timesteps, sizes["units"], batch_size, len(train_x), 1)
    engine = _engine(spec, shape)
    engine.start(seed, sizes["learning_rate"])
    for _ in range(sizes["epochs"]):
        engine.run_epoch(train_x, train_y, stream_resets(len(train_x), len(starts), reset_every_batch))
    outputs = engine.run_evaluation(eval_x, stream_resets(len(eval_x), len(starts), reset_every_batch))[0]
    correct = (outputs[..., 0] > 0.5) == (eval_y > 0.5)  # (groups x windows, rows)
    ends = (starts + timesteps) % timesteps == 0  # the windows that end where a consecutive one ends
    return correct.reshape(-1, len(starts), batch_size)[:, ends].mean(axis=(0, 2))


def stream_resets(batches: int, windows: int, every_batch: bool) -> np.ndarray:
    """Reset before the first window of every stream group (or before every batch)."""
    resets = np.zeros(batches, dtype=bool)
    resets[::windows] = True
    return resets | every_batch


_ENGINES: dict[Shape, Engine] = {}


def _engine(spec, shape: Shape) -> Engine:
    """One engine per shape in this process (each costs an XLA compile)."""
    if shape not in _ENGINES:
        _ENGINES[shape] = Engine(spec, shape)
    return _ENGINES[shape]


SIZES = {
    "timesteps": 5,
    "length": 40,
    "batch_size": 16,
    "groups": (4, 4),  # training, held-out stream groups
    "units": 16,
    "epochs": 30,
    "learning_rate": 0.01,
}


def sliding_windows(seeds: tuple[int, ...] = (0, 1, 2), **changes) -> dict:
    """Held-out accuracy by window of each layout on each seed: {layout: (seeds, windows)}."""
    sizes = {**SIZES, **changes}
    return {
        "sizes": sizes,
        "seeds": list(seeds),
        "accuracy": {
            layout: np.array([run_layout(layout, seed, sizes) for seed in seeds]) for layout in LAYOUTS
        },
    }
