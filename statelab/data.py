"""The data of a lab run: training samples in stateful order and held-out windows (NumPy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from statelab.config import LabConfig
from statelab.layout import make_windows, stateful_order
from statelab.tasks import TaskSpec, make_task, task_spec


@dataclass(frozen=True)
class LabData:
    """Training samples in stateful fit order, and held-out streams cut into windows."""

    spec: TaskSpec
    train_x: np.ndarray  # (samples, timesteps, features)
    train_y: np.ndarray  # (samples,) or (samples, timesteps)
    eval_x: np.ndarray  # (eval streams, windows, timesteps, features)
    eval_y: np.ndarray  # (eval streams, windows[, timesteps])


def make_lab_data(config: LabConfig) -> LabData:
    """Generate the training and held-out streams of a config and lay them out for training."""
    spec = task_spec(config.task, config.series)
    train_x, train_y = _windows(config, spec, config.n_streams, stream_seed=1)
    streams, windows = stateful_order(config.n_streams, config.n_windows, config.batch_size)
    eval_x, eval_y = _windows(config, spec, config.eval_groups * config.batch_size, stream_seed=2)
    return LabData(spec, train_x[streams, windows], train_y[streams, windows], eval_x, eval_y)


def _windows(config: LabConfig, spec: TaskSpec, n_streams: int, stream_seed: int):
    data = make_task(
        config.task,
        n_streams,
        config.stream_length,
        config.timesteps,
        [config.seed, stream_seed],
        config.series,
    )
    targets = make_windows(data.targets, config.timesteps)
    return make_windows(data.inputs, config.timesteps), targets if spec.per_step else targets[..., -1]
