"""Lesson 9: preparing your own series. Live: what the state reads under each window layout, sliding
windows in training over seeds, fit without batch_size."""

import numpy as np

from statelab.engine.work import demo_job
from statelab.teaching.judges import ACCURACY_MARGIN
from statelab.teaching.lessons.lesson import Check, declare, runs

LAST_WINDOWS = 3  # the sliding-window check compares the last three windows of each stream
CARRY = demo_job("window_carry")
SLIDING = demo_job("sliding_windows")
DEFAULT_BATCH = demo_job("default_batch_size")


def judge_window_carry(values: list) -> str:
    """Which layouts ended exactly in the single call's state: "both", "consecutive", "sliding"/"neither"."""
    exact = {name: values[0][name]["vs_whole_stream"] == 0.0 for name in ("consecutive", "sliding")}
    if all(exact.values()):
        return "both"
    return next((name for name, same in exact.items() if same), "neither")


def late_accuracy(value: dict, layout: str) -> np.ndarray:
    """A layout's held-out accuracy over the last windows of each stream, per seed."""
    return value["accuracy"][layout][:, -LAST_WINDOWS:].mean(axis=1)


def judge_sliding(values: list) -> str:
    """Sliding against consecutive windows late in the stream, over seeds: "worse", "same" or "better"."""
    sliding, consecutive = (late_accuracy(values[0], layout).mean() for layout in ("sliding", "consecutive"))
    if sliding < consecutive - ACCURACY_MARGIN:
        return "worse"
    return "better" if sliding > consecutive + ACCURACY_MARGIN else "same"


def judge_default_batch(values: list) -> str:
    """What fit without batch_size did: "error", or trained ("reads" if it could have used the model's 4)."""
    value = values[0]
    if not value["fit_default"]["ok"]:
        return "error"
    return "silent" if value["samples"] % 32 == 0 and value["batch_size"] != 32 else "reads"


LESSON = declare(
    9,
    checks=[
        Check("window_carry", runs(CARRY), judge_window_carry),
        Check(
            "sliding_learning",
            runs(SLIDING, small={"epochs": 2, "groups": (1, 1), "seeds": (0, 1)}),
            judge_sliding,
        ),
        Check("default_batch", runs(DEFAULT_BATCH), judge_default_batch),
    ],
)
