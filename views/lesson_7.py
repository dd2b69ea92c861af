"""Lesson 7: gradients stop at the batch boundary. Live: the gradient across a stateful batch boundary."""

from statelab.continuity_charts import plot_gradient_boundary
from ui.demos import captured_caption, demo_job, render_figure
from ui.lessons import Check, render_lesson

GRADIENT = demo_job("gradient_boundary", units=8, timesteps=5, seed=0)


def judge_gradient(values: list) -> str:
    """Whether the gradient crossed the stateful batch boundary: not at all, weaker, or as in one sequence."""
    value = values[0]
    if value["stateful_norm"] == 0.0:
        return "zero"
    return "same" if value["stateful_norm"] >= 0.9 * value["one_sequence_norm"] else "smaller"


def show_gradient(values: list) -> None:
    """The gradient on each input step of the first window, stateful against one sequence."""
    render_figure(plot_gradient_boundary(values[0]))
    captured_caption()


render_lesson(7, demos={}, checks={"gradient": Check([GRADIENT], judge_gradient, show_gradient)})
