"""The judges of the practitioner's lessons (9-12): what a live run showed, as the option key of its check.

Margins are the ones statelab.claims defines for every judge; tests/test_practice.py runs the real
experiments over seeds and checks each judge's outcome.
"""

from __future__ import annotations

import numpy as np

from statelab.claims import ACCURACY_MARGIN, ERROR_RATIO

LAST_WINDOWS = 3  # the sliding-window check compares the last three windows of each stream


def judge_window_carry(value: dict) -> str:
    """Which layouts ended exactly in the single call's state: "both", "consecutive", "sliding"/"neither"."""
    exact = {name: value[name]["vs_whole_stream"] == 0.0 for name in ("consecutive", "sliding")}
    if all(exact.values()):
        return "both"
    return next((name for name, same in exact.items() if same), "neither")


def late_accuracy(value: dict, layout: str) -> np.ndarray:
    """A layout's held-out accuracy over the last windows of each stream, per seed."""
    return value["accuracy"][layout][:, -LAST_WINDOWS:].mean(axis=1)


def judge_sliding(value: dict) -> str:
    """Sliding against consecutive windows late in the stream, over seeds: "worse", "same" or "better"."""
    sliding, consecutive = (late_accuracy(value, layout).mean() for layout in ("sliding", "consecutive"))
    if sliding < consecutive - ACCURACY_MARGIN:
        return "worse"
    return "better" if sliding > consecutive + ACCURACY_MARGIN else "same"


def judge_default_batch(value: dict) -> str:
    """What fit without batch_size did: "error", or trained ("reads" if it could have used the model's 4)."""
    if not value["fit_default"]["ok"]:
        return "error"
    return "silent" if value["samples"] % 32 == 0 and value["batch_size"] != 32 else "reads"


def judge_copy(value: dict) -> str:
    """How the stepped stateful copy's output compares with the stateless model's on the whole history."""
    if not value["copied"]["ok"]:
        return "error"
    difference = value["stepwise_vs_stateless"]
    return "equal" if difference == 0.0 else "close" if difference < 1e-4 else "different"


def judge_forecast(value: dict) -> str:
    """The forecast's error against persistence and the seasonal naive forecast, on every seed: "both"
    beaten, "persistence_only", or "neither" (persistence not beaten on every seed)."""
    errors = np.asarray(value["model_error"])
    if not np.all(errors < ERROR_RATIO * value["persistence_error"]):
        return "neither"
    seasonal = value["seasonal_error"]
    return (
        "both" if not np.isfinite(seasonal) or np.all(errors < ERROR_RATIO * seasonal) else "persistence_only"
    )


def forecast_outcome(value: dict) -> str:
    """What a forecast did against its baselines, in words that follow its numbers."""
    errors = ", ".join(f"{error:.2f}" for error in value["model_error"])
    persistence = f"persistence ({value['persistence_error']:.2f})"
    seasonal = f"the seasonal naive forecast, {value['period']} steps back ({value['seasonal_error']:.2f})"
    outcome = judge_forecast(value)
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


def judge_stack_shape(value: dict) -> str:
    """What stacking an LSTM on one without return_sequences did: "error", or built."""
    return "error" if not value["stack_without_sequences"]["ok"] else "one_step"


def judge_stacked_reset(value: dict) -> str:
    """Whether the output after resetting only the upper layer matched the first call."""
    return "same" if value["upper_only_vs_first"] == 0.0 else "different"


FEW_EPOCHS = 5  # the "too little training" item of lesson 12: the cue task's measured limit is 10
KEPT_CUE = 0.95  # knowing the cue: at least this accuracy in every held-out window


def judge_few_epochs(results: list) -> str:
    """On how many seeds the stateful model trained for FEW_EPOCHS kept the cue in every window."""
    short = [result for result in results if result.config.epochs == FEW_EPOCHS]
    kept = sum(result.stateful.by_window.min() >= KEPT_CUE for result in short)
    return "all" if kept == len(short) else "none" if kept == 0 else "some"
