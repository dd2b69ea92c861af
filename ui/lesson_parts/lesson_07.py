"""How lesson 7's check is drawn: the gradient across a stateful batch boundary."""

from statelab.charts.continuity import plot_gradient_boundary
from ui.live_results import captured_caption, render_figure


def show_gradient(values: list) -> None:
    """The gradient on each input step of the first window, stateful against one sequence."""
    render_figure(plot_gradient_boundary(values[0]))
    captured_caption()


PARTS = {"gradient": show_gradient}
