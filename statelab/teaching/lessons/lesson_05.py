"""Lesson 5: predict and evaluate. Live: predict advances the state; another batch size; the fix."""

from statelab.engine.work import demo_job
from statelab.teaching.lessons.lesson import Check, declare, runs

TWICE = demo_job("predict_advances_state")
ONE_SAMPLE = demo_job("predict_one_sample", batch_size=10, timesteps=5)


def judge_twice(values: list) -> str:
    """Did two identical predict calls differ?"""
    return "different" if values[0]["first_vs_second"] > 1e-6 else "same"


def judge_other(values: list) -> str:
    """What predicting one sample right after fit did: an error, one row, or many rows."""
    outcome = values[0]["after_fit"]
    if not outcome["ok"]:
        return "error"
    return "one" if outcome["value"][0] == 1 else "ten"


LESSON = declare(
    5,
    checks=[
        Check("predict_twice", runs(TWICE), judge_twice),
        Check("other_batch", runs(ONE_SAMPLE), judge_other),
    ],
    demos={"silent_broadcast": runs(ONE_SAMPLE), "the_fix": runs(ONE_SAMPLE)},
)
