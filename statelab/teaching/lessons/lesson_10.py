"""Lesson 10: forecasting one step at a time. Live: copying weights and stepping, continuing a trained
stream from its state row, the CO2 forecast over seeds (and the same on the learner's uploaded series)."""

import numpy as np

from statelab.engine.work import demo_job
from statelab.teaching.judges import ERROR_RATIO
from statelab.teaching.lessons.lesson import Check, declare, runs

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
    """The forecast's error against persistence and the seasonal naive forecast, on every seed: "both"
    beaten, "persistence_only", or "neither" (persistence not beaten on every seed)."""
    errors = np.asarray(values[0]["model_error"])
    if not np.all(errors < ERROR_RATIO * values[0]["persistence_error"]):
        return "neither"
    seasonal = values[0]["seasonal_error"]
    return (
        "both" if not np.isfinite(seasonal) or np.all(errors < ERROR_RATIO * seasonal) else "persistence_only"
    )


def forecast_outcome(value: dict) -> str:
    """What a forecast did against its baselines, in words that follow its numbers."""
    errors = ", ".join(f"{error:.2f}" for error in value["model_error"])
    persistence = f"persistence ({value['persistence_error']:.2f})"
    seasonal = f"the seasonal naive forecast, {value['period']} steps back ({value['seasonal_error']:.2f})"
    outcome = judge_forecast([value])
    if outcome == "neither":
        return (
            f"The forecast (error {errors} over the seeds) did not clearly beat {persistence} on every seed."
        )
    if not value["period"]:
        return (
            f"The forecast (error {errors}) beat {persistence} on every seed. No season was found in the "
            "training part, so there is no seasonal naive forecast to compare with."
        )
    if outcome == "both":
        return f"The forecast (error {errors}) beat {persistence} and {seasonal} on every seed."
    beaten = int(np.sum(np.asarray(value["model_error"]) < ERROR_RATIO * value["seasonal_error"]))
    return (
        f"The forecast (error {errors}) beat {persistence} on every seed, but clearly beat {seasonal} on "
        f"{beaten} of {len(value['model_error'])} seeds only."
    )


def mean_comparison(value: dict) -> str:
    """The seeds on which the forecast did not beat always predicting the training part's mean ("" if none):
    a forecast that beats persistence can still lose to the mean on a series that swings around it."""
    lost = [
        str(seed)
        for seed, error in zip(value["seeds"], value["model_error"], strict=True)
        if error >= value["mean_error"]
    ]
    if not lost:
        return ""
    seeds = f"seed{'s' if len(lost) > 1 else ''} {', '.join(lost)}"
    return (
        f"On {seeds} it did not beat always predicting the training part's mean ({value['mean_error']:.2f})."
    )


LESSON = declare(
    10,
    checks=[
        Check("copy_weights", runs(COPY), judge_copy),
        Check("co2_forecast", runs(CO2, small=SMALL_FORECAST), judge_forecast),
    ],
    demos={"row_copy": runs(COPY)},
)
