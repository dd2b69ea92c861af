"""Lesson 11: stacked and nested stateful layers. Live: stacking without return_sequences, resetting one
layer of a stack, and a reset loop over model.layers that misses a nested model's LSTM."""

from statelab.engine.work import demo_job
from statelab.teaching.lessons.lesson import Check, declare, runs

STACKED = demo_job("stacked_resets")


def judge_stack_shape(values: list) -> str:
    """What stacking an LSTM on one without return_sequences did: "error", or built."""
    return "error" if not values[0]["stack_without_sequences"]["ok"] else "one_step"


def judge_stacked_reset(values: list) -> str:
    """Whether the output after resetting only the upper layer matched the first call."""
    return "same" if values[0]["upper_only_vs_first"] == 0.0 else "different"


LESSON = declare(
    11,
    checks=[
        Check("stack_shape", runs(STACKED), judge_stack_shape),
        Check("stacked_reset", runs(STACKED), judge_stacked_reset),
    ],
    demos={"nested": runs(STACKED)},
)
