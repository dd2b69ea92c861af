"""Lesson 10: forecasting one step at a time. Live: copying weights and stepping, continuing a trained
stream from its state row, the CO2 forecast over seeds (and the same on the learner's uploaded series)."""

import numpy as np

from statelab.judges import ERROR_RATIO
from statelab.lessons.lesson import Check, declare, runs
from statelab.work import demo_job

COPY = demo_job("copy_into_single_stream")
CO2 = demo_job("one_step_forecast")
SMALL_FORECAST = {"epochs": 1, "seeds": (0, 1), "origins": 2}  # a forecast where the session shrinks runs


def judge_copy(values: list) -> str:
    """How the stepped stateful copy's output compares with the stateless model's on the whole history."""
    value = values[0]
    if not value["copied"]["ok"]:
        return "error"
    difference = value["stepwise_vs_stateless"]
    return "equal" if difference == 0.0 else "close" if difference < 1e-4 else "different"


def judge_forecast(values: list) -> str:
    """The forecast's error against persistence: "beats" on every seed, "worse" on average, else "similar"."""
    errors, persistence = np.asarray(values[0]["model_error"]), values[0]["persistence_error"]
    if np.all(errors < ERROR_RATIO * persistence):
        return "beats"
    return "worse" if errors.mean() > persistence / ERROR_RATIO else "similar"


LESSON = declare(
    10,
    checks=[
        Check("copy_weights", runs(COPY), judge_copy),
        Check("co2_forecast", runs(CO2, small=SMALL_FORECAST), judge_forecast),
    ],
    demos={"row_copy": runs(COPY)},
)
