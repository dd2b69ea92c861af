"""Result charts are pure functions of arrays: right traces, colours, bands and axes."""

import numpy as np
import pytest

from statelab.charts import lab as charts
from statelab.charts.class_answers import TEXT_COLOR, for_projector


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
    (mean,) = named(figure, "stateful")  # the legend names the model; the subtitle says "mean of 3 seeds"
    np.testing.assert_allclose(mean.y, [0.5, 0.8])
    assert "mean of 3 seeds" in figure.layout.title.text
    (band,) = named(figure, "stateful: seed range")
    np.testing.assert_allclose(band.y, [0.6, 1.0, 0.6, 0.4])  # max forward, min backward


def test_seed_bands_take_their_models_colour_and_stay_out_of_the_legend():
    """Issue 10.4: the bands drew default-coloured (purple, teal) dots and crowded the legend."""
    stateful, stateless = np.array([[1.0, 0.9], [0.8, 1.0]]), np.array([[0.5, 0.4], [0.6, 0.5]])
    figure = charts.plot_by_window(stateful, stateless, "accuracy", 0.5)
    bands = [trace for trace in figure.data if trace.fill == "toself"]
    assert [band.mode for band in bands] == ["lines", "lines"]  # no markers at the band's corners
    assert [band.showlegend for band in bands] == [False, False]
    assert [band.line.color for band in bands] == [charts.STATEFUL_COLOR, charts.STATELESS_COLOR]
    assert [trace.name for trace in figure.data if trace.showlegend is not False] == ["stateful", "stateless"]


def test_runs_compared_by_colour_and_dash():
    runs = {"stateful, A": np.ones(3), "stateless, A": np.zeros(3), "stateful, B": np.ones(3)}
    colors = [charts.STATEFUL_COLOR, charts.STATELESS_COLOR, charts.STATEFUL_COLOR]
    figure = charts.plot_runs_by_window(runs, "accuracy", None, "Runs", colors, ["solid", "solid", "dash"])
    assert [trace.line.dash for trace in figure.data] == ["solid", "solid", "dash"]
    assert not figure.layout.shapes  # no constant-guess line when none is given
    with pytest.raises(ValueError, match="one colour and one dash per run"):
        charts.plot_runs_by_window(runs, "accuracy", None, "Runs", colors[:2])


def test_scores_are_formatted_one_way():
    assert charts.format_score(0.966, "accuracy") == "97 %"
    assert charts.format_score(0.0344, "error") == "0.034"
    with pytest.raises(ValueError, match="metric must be"):
        charts.format_score(0.5, "f1")


def test_long_subtitles_wrap_between_clauses():
    text = charts.subtitle("a" * 40 + "; " + "b" * 30 + "; c")
    assert text.count("<br>") == 2 and "bbb; c" in text


def test_error_metric_and_bad_metric():
    figure = charts.plot_by_window(np.array([0.1]), np.array([0.2]), "error", 0.9)
    assert figure.layout.yaxis.title.text == "mean squared error"
    with pytest.raises(ValueError, match="metric must be"):
        charts.plot_by_window(np.array([0.1]), np.array([0.2]), "f1", 0.5)


def test_a_forecasts_error_axis_fits_the_models_and_persistence_not_a_far_higher_mean():
    """Issue 23: the own-series chart stretched to the mean's line (1.03), squashing the models near 0,
    and drew no persistence line."""
    stateful, stateless = np.array([[0.04, 0.05], [0.05, 0.06]]), np.array([0.05, 0.07])
    figure = charts.plot_by_window(stateful, stateless, "error", 1.03, {"persistence": 0.065})
    top = figure.layout.yaxis.range[1]
    assert top == pytest.approx(1.15 * 0.07) and figure.layout.yaxis.title.text == charts.STANDARDISED_ERROR
    (line,) = figure.layout.shapes  # persistence, drawn; the mean is only named, at the top edge
    assert line.y0 == pytest.approx(0.065)
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert texts == ["↑ predicting the mean: 1.030 (above the chart)", "persistence: 0.065"]
    assert all(annotation.bgcolor for annotation in figure.layout.annotations)  # curves pass under labels
    worse = charts.plot_by_window(
        np.array([1.2, 1.4]), np.array([1.1, 1.3]), "error", 1.03, {"persistence": 2.0}
    )
    assert [shape.y0 for shape in worse.layout.shapes] == [pytest.approx(1.03)]  # the mean: in range
    assert worse.layout.yaxis.range[1] == pytest.approx(1.15 * 1.4)


def test_predictions_and_window_step():
    figure = charts.plot_predictions(np.zeros((5, 4)), np.ones((5, 4)), np.ones((5, 4)), "binary", streams=2)
    assert len(figure.data) == 6 and list(figure.layout.xaxis.ticktext) == ["stream 1", "stream 2"]
    step = charts.plot_window_step(np.ones((3, 1)), np.ones((3, 4)), np.zeros(4), "batch 0")
    np.testing.assert_allclose(step.data[1].y, [0, 2, 2, 2])  # ‖h‖ going in, then after each step


def test_a_chart_keeps_room_for_a_phones_title_and_legend_rows():
    """Issue 23: at 390 px lesson 3's title was clipped and its three-entry legend lay over the subtitle."""
    runs = {name: np.ones(3) for name in ("stateful, shuffle=False", "stateful, shuffle=True", "stateless")}
    title = "Cue recall: held-out accuracy by window, with and without shuffling"
    figure = charts.plot_runs_by_window(runs, "accuracy", 0.5, title)
    lines = figure.layout.title.text.split("<br>")
    assert len(lines[0]) <= charts.TITLE_WIDTH and len(lines[1]) <= charts.TITLE_WIDTH
    assert charts.legend_rows(figure) == 3  # each long entry on its own row at a phone's width
    pair = {"stateful": np.ones(3), "stateless": np.ones(3)}
    two = charts.plot_runs_by_window(pair, "accuracy", 0.5, title)
    assert charts.legend_rows(two) == 1
    extra = figure.layout.margin.t - two.layout.margin.t
    assert extra == 2 * charts.SUBTITLE_LINE and figure.layout.height - two.layout.height == extra


def test_a_chart_on_the_projector_gets_large_dark_type():
    """Issue 23: the experiment's chart kept laptop sizes on a projector (ticks ~10 px, grey axis titles)."""
    laptop = charts.plot_by_window(np.array([1.0, 1.0]), np.array([1.0, 0.5]), "accuracy", 0.5)
    height = laptop.layout.height
    projected = for_projector(laptop)
    assert projected.layout.xaxis.tickfont.size >= 22 and projected.layout.yaxis.title.font.size >= 22
    assert projected.layout.yaxis.title.font.color == TEXT_COLOR
    assert projected.layout.title.font.size >= 30 and projected.layout.height > height
    assert "font-size:26px" in projected.layout.title.text  # the subtitle too (15 px on a laptop)


def test_the_forecast_chart_draws_the_seasonal_naive_forecast_when_there_is_a_season():
    from statelab.charts.practice_figures import plot_forecast

    values = np.sin(np.arange(200) / 5.0)
    forecasts, truth, seasonal = np.zeros((3, 10)), values[150:160], values[125:135]
    names = [trace.name for trace in plot_forecast(values, 150, 40, forecasts, truth, "t", seasonal).data]
    assert "seasonal naive" in names and "persistence" in names
    assert "seasonal naive" not in [
        trace.name for trace in plot_forecast(values, 150, 40, forecasts, truth, "t").data
    ]
