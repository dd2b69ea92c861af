"""Where the cue task learns: the ranges of each Lab setting, measured over seeds, and the warnings the
Lab shows beside a setting outside them (tests/test_claims.py repeats the measurements)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from statelab.engine.config import LabConfig


@dataclass(frozen=True)
class Limit:
    """A range of one setting where the cue task learned on every measured seed, and what was measured."""

    setting: str  # the form field the warning sits beside
    holds: Callable[[LabConfig], bool]
    rule: str  # "at most 10"
    measured: str


DEFAULTS_NOTE = "with the other settings at their defaults, the stateful model kept the cue in every window"
CUE_LIMITS = [
    Limit(
        "batch_size",
        lambda config: config.batch_size >= 16 or config.n_streams >= 256,
        "at least 16, or at least 256 training streams = batch size x stream groups",
        f"Measured {DEFAULTS_NOTE} on 1 of 3 seeds with batch size 4 and on none with 8 (128 streams), "
        "but on 3 of 3 with batch size 8 and 32 stream groups (256 streams), 5 of 5 with 16 and 3 of 3 "
        "with 32.",
    ),
    Limit(
        "timesteps",
        lambda config: config.timesteps <= 10,
        "at most 10",
        "The cue sits at a stream's first step and the label at a window's last, so a longer window asks "
        f"the gradient to reach further back through noise. Measured {DEFAULTS_NOTE} on 1 of 3 seeds with "
        "15 steps and on none with 20 (with 30 epochs: 1 of 3), but on 3 of 3 with 5 and 5 of 5 with 10.",
    ),
    Limit(
        "n_windows",
        lambda config: config.n_windows <= 8,
        "at most 8",
        "Only a stream's first window shows the cue, so with more windows fewer batches carry it. "
        f"Measured {DEFAULTS_NOTE} on none of 3 seeds with 16 windows, but on 3 of 3 with 4 and 5 of 5 "
        "with 8.",
    ),
    Limit(
        "units",
        lambda config: config.units >= 32,
        "at least 32",
        f"Measured {DEFAULTS_NOTE} on 2 of 3 seeds with 8 units, 5 of 5 with 32 and 3 of 3 with 64.",
    ),
    Limit(
        "epochs",
        lambda config: config.epochs >= 10,
        "at least 10",
        f"Measured {DEFAULTS_NOTE} on 2 of 3 seeds after 5 epochs, 5 of 5 after 10 and 3 of 3 after 20.",
    ),
    Limit(
        "learning_rate",
        lambda config: 0.005 <= config.learning_rate <= 0.01,
        "between 0.005 and 0.01",
        f"Measured {DEFAULTS_NOTE} on 3 of 3 seeds with 0.005, 5 of 5 with 0.01 and 2 of 3 with 0.02.",
    ),
]


def outside_limits(config: LabConfig) -> dict[str, str]:
    """The settings outside the range where the task was measured to learn: name -> its rule."""
    if config.task != "cue":
        return {}
    return {limit.setting: limit.rule for limit in CUE_LIMITS if not limit.holds(config)}


def training_warnings(config: LabConfig) -> list[tuple[str, str]]:
    """(setting, warning) for each setting outside the range where the task was measured to learn."""
    measured = {limit.setting: limit.measured for limit in CUE_LIMITS}
    return [
        (name, f"The cue task learns reliably with {name} {rule}. {measured[name]}")
        for name, rule in outside_limits(config).items()
    ]
