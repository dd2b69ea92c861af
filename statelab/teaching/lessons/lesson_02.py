"""Lesson 2: the batch-layout contract. Live: fit, predict, evaluate and validation on a partial batch."""

from statelab.engine.work import demo_job
from statelab.teaching.lessons.lesson import Check, declare, runs

PARTIAL = demo_job("partial_batch", batch_size=10, samples=25, timesteps=5)
REMAINDER_ONE = demo_job("partial_batch", batch_size=10, samples=21, timesteps=5)


def judge_partial(values: list) -> str:
    """Did fit on a partial last batch fail?"""
    return "trains" if values[0]["fit"]["ok"] else "error"


def judge_remainder_one(values: list) -> str:
    """What fit and predict did with 21 samples at batch size 10: an error, or how many predictions."""
    value = values[0]
    if not (value["fit"]["ok"] and value["predict"]["ok"]):
        return "error"
    rows = value["predict"]["value"][0]
    return "rows21" if rows == value["samples"] else "more" if rows > value["samples"] else "rows20"


LESSON = declare(
    2,
    checks=[
        Check("partial", runs(PARTIAL), judge_partial),
        Check("partial_one", runs(REMAINDER_ONE), judge_remainder_one),
    ],
)
