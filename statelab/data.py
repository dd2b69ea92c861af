"""The data of a lab run: training samples in stateful order and held-out windows (NumPy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from statelab.config import ConfigError, LabConfig, series_problems
from statelab.layout import make_windows, stateful_order
from statelab.tasks import TaskData, TaskSpec, make_task, task_spec


@dataclass(frozen=True)
class LabData:
    """Training samples in stateful fit order, and held-out streams cut into windows."""

    spec: TaskSpec
    train_x: np.ndarray  # (samples, timesteps, features)
    train_y: np.ndarray  # (samples,) or (samples, timesteps)
    eval_x: np.ndarray  # (eval streams, windows, timesteps, features)
    eval_y: np.ndarray  # (eval streams, windows[, timesteps])
    held_out_values: int = 0  # values of a real series the held-out streams come from (0: generated data)


def make_lab_data(config: LabConfig) -> LabData:
    """Generate the training and held-out streams of a config and lay them out for training."""
    problems = series_problems(config)
    if problems:
        raise ConfigError(problems)
    spec = task_spec(config.task, config.series)
    train = _streams(config, config.n_streams, stream_seed=1, held_out=False)
    held_out = _streams(config, config.eval_groups * config.batch_size, stream_seed=2, held_out=True)
    train_x, train_y = _windows(config, spec, train)
    streams, windows = stateful_order(config.n_streams, config.n_windows, config.batch_size)
    eval_x, eval_y = _windows(config, spec, held_out)
    return LabData(spec, train_x[streams, windows], train_y[streams, windows], eval_x, eval_y, held_out.span)


def _streams(config: LabConfig, n_streams: int, stream_seed: int, held_out: bool) -> TaskData:
    """`n_streams` streams of a config's task, drawn with the seed [seed, stream_seed]."""
    seed = [config.seed, stream_seed]
    return make_task(
        config.task, n_streams, config.stream_length, config.timesteps, seed, config.series, held_out
    )


def _windows(config: LabConfig, spec: TaskSpec, data: TaskData) -> tuple[np.ndarray, np.ndarray]:
    """Streams cut into windows: inputs, and targets per step or at each window's last step."""
    targets = make_windows(data.targets, config.timesteps)
    return make_windows(data.inputs, config.timesteps), targets if spec.per_step else targets[..., -1]
