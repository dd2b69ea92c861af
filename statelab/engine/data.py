"""The data of a lab run: training samples in stateful order and held-out windows (NumPy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from statelab.engine.config import ConfigError, LabConfig, series_problems
from statelab.engine.layout import make_windows, stateful_order
from statelab.engine.seasons import config_period
from statelab.engine.tasks import TaskData, TaskSpec, make_task, task_spec


@dataclass(frozen=True)
class LabData:
    """Training samples in stateful fit order, and held-out streams cut into windows."""

    spec: TaskSpec
    train_x: np.ndarray  # (samples, timesteps, features)
    train_y: np.ndarray  # (samples,) or (samples, timesteps)
    eval_x: np.ndarray  # (eval streams, windows, timesteps, features)
    eval_y: np.ndarray  # (eval streams, windows[, timesteps])
    held_out_values: int = 0  # values of a real series the held-out streams come from (0: generated data)
    eval_seasonal: np.ndarray | None = None  # forecasts: the value one season before each held-out target
    period: int = 0  # steps in one season of the series (0: none known)


def make_lab_data(config: LabConfig) -> LabData:
    """Generate the training and held-out streams of a config and lay them out for training."""
    problems = series_problems(config)
    if problems:
        raise ConfigError(problems)
    period = config_period(config)
    spec = task_spec(config.task, config.series, period)
    train = _streams(config, config.n_streams, stream_seed=1, held_out=False, period=period)
    held_out = _streams(config, config.eval_groups * config.batch_size, 2, True, period)
    train_x, train_y = _windows(config, spec, train)
    streams, windows = stateful_order(config.n_streams, config.n_windows, config.batch_size)
    eval_x, eval_y = _windows(config, spec, held_out)
    seasonal = None if held_out.seasonal is None else make_windows(held_out.seasonal, config.timesteps)
    return LabData(
        spec,
        train_x[streams, windows],
        train_y[streams, windows],
        eval_x,
        eval_y,
        held_out.span,
        seasonal,
        held_out.period,
    )


def _streams(config: LabConfig, n_streams: int, stream_seed: int, held_out: bool, period: int) -> TaskData:
    """`n_streams` streams of a config's task, drawn with the seed [seed, stream_seed]."""
    seed = [config.seed, stream_seed]
    return make_task(
        config.task, n_streams, config.stream_length, config.timesteps, seed, config.series, held_out, period
    )


def _windows(config: LabConfig, spec: TaskSpec, data: TaskData) -> tuple[np.ndarray, np.ndarray]:
    """Streams cut into windows: inputs, and targets per step or at each window's last step."""
    targets = make_windows(data.targets, config.timesteps)
    return make_windows(data.inputs, config.timesteps), targets if spec.per_step else targets[..., -1]
