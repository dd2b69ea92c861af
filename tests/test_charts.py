"""Result charts are pure functions of arrays: right traces, colours, bands and axes."""

import numpy as np
import pytest

from statelab import charts


def named(figure, name):
    return [trace for trace in figure.data if trace.name == name]


def test_one_seed_draws_two_lines_in_the_app_colours():
    figure = charts.plot_by_window(np.array([1.0, 1.0]), np.array([1.0, 0.5]), "accuracy", 0.5)
    (stateful,) = named(figure, "stateful")
    (stateless,) = named(figure, "stateless")
    assert stateful.line.color == charts.STATEFUL_COLOR and stateless.line.color == charts.STATELESS_COLOR
    np.testing.assert_allclose(stateless.y, [100, 50])
    assert figure.layout.yaxis.title.text == "accuracy (%)"


def test_several_seeds_draw_mean_and_range():
    runs = np.array([[0.4, 0.6], [0.6, 1.0], [0.5, 0.8]])
    figure = charts.plot_loss(runs, runs / 2)
    (mean,) = named(figure, "stateful (mean of 3 seeds)")
    np.testing.assert_allclose(mean.y, [0.5, 0.8])
    (band,) = named(figure, "stateful: seed range")
    np.testing.assert_allclose(band.y, [0.6, 1.0, 0.6, 0.4])  # max forward, min backward


def test_error_metric_and_bad_metric():
    figure = charts.plot_by_window(np.array([0.1]), np.array([0.2]), "error", 0.9)
    assert figure.layout.yaxis.title.text == "mean squared error"
    with pytest.raises(ValueError, match="metric must be"):
        charts.plot_by_window(np.array([0.1]), np.array([0.2]), "f1", 0.5)


def test_predictions_and_window_step():
    figure = charts.plot_predictions(np.zeros((5, 4)), np.ones((5, 4)), np.ones((5, 4)), "binary", streams=2)
    assert len(figure.data) == 6 and list(figure.layout.xaxis.ticktext) == ["stream 1", "stream 2"]
    step = charts.plot_window_step(np.ones((3, 1)), np.ones((3, 4)), np.zeros(4), "batch 0")
    np.testing.assert_allclose(step.data[1].y, [0, 2, 2, 2])  # ‖h‖ going in, then after each step
