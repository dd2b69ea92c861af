"""Lesson 7: gradients stop at the batch boundary. Live: the gradient across a stateful batch boundary."""

from statelab.engine.work import demo_job
from statelab.teaching.lessons.lesson import Check, declare, runs

GRADIENT = demo_job("gradient_boundary", units=8, timesteps=5, seed=0)


def judge_gradient(values: list) -> str:
    """Whether the gradient crossed the stateful batch boundary: not at all, weaker, or as in one sequence."""
    value = values[0]
    if value["stateful_norm"] == 0.0:
        return "zero"
    return "same" if value["stateful_norm"] >= 0.9 * value["one_sequence_norm"] else "smaller"


LESSON = declare(7, checks=[Check("gradient", runs(GRADIENT), judge_gradient)])
