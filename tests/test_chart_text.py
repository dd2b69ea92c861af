"""Every chart has a text alternative with its numbers (issue 23), read from the figure itself."""

import numpy as np

from statelab.charts import lab as charts
from statelab.charts.class_answers import plot_answers
from statelab.charts.continuity import plot_layout
from statelab.charts.lesson_figures import plot_lstm_words, plot_predict_twice
from statelab.charts.practice_figures import plot_forecast
from statelab.charts.text import figure_rows, figure_text
from statelab.engine.config import LabConfig
from statelab.engine.layout import batch_layout


def test_the_signature_plot_is_said_with_every_windows_score_and_its_baseline():
    figure = charts.plot_by_window(np.array([1.0, 1.0, 0.96]), np.array([1.0, 0.5, 0.48]), "accuracy", 0.55)
    text = figure_text(figure)
    assert text.startswith("Chart: Accuracy by window position; held-out streams, never trained on.")
    assert "stateful, by window of the stream (1 = first): 1: 100, 2: 100, 3: 96." in text
    assert "stateless, by window of the stream (1 = first): 1: 100, 2: 50, 3: 48." in text
    assert "Marked: constant guess: 55 %." in text
    rows = figure_rows(figure)
    assert rows[1] == {"window of the stream (1 = first)": "2", "stateful": "100", "stateless": "50"}


def test_a_long_curve_is_summarised_and_not_offered_as_a_table():
    loss = np.linspace(0.7, 0.01, 80)
    text = figure_text(charts.plot_loss(loss, loss[::-1]))
    assert (
        "stateful: 80 points, epoch 1 to 80, starting at 0.7 and ending at 0.01; lowest 0.01, highest 0.7"
        in text
    )
    assert figure_rows(charts.plot_loss(loss, loss)) == []


def test_the_class_answers_are_said_per_vote():
    figure = plot_answers({"a": "It trains", "b": "Error"}, {1: {"a": 3, "b": 2}, 2: {"a": 1, "b": 3}}, "b")
    text = figure_text(figure)
    assert (
        "First vote: ✓ Error: 2, It trains: 3." in text
        and "After discussion: ✓ Error: 3, It trains: 1." in text
    )


def test_every_kind_of_chart_gets_a_text_without_markup():
    values = np.sin(np.arange(60) / 5)
    figures = [
        plot_layout(batch_layout(LabConfig(shuffle=True))),
        plot_lstm_words(),
        plot_predict_twice([0.1, 0.2], [0.3, 0.4]),
        plot_forecast(values, 40, 10, np.zeros((5, 2)), values[40:45], "A forecast"),
    ]
    for figure in figures:
        text = figure_text(figure)
        assert text.startswith("Chart") and len(text) > 20 and "<" not in text, text


def test_the_batch_layout_is_said_by_its_continuity_and_its_arrows():
    text = figure_text(plot_layout(batch_layout(LabConfig(shuffle=True))))
    assert "does row i of batch k+1 continue row i of batch k?; state continuity in this pass: 2%" in text
    assert "state carries over: none." in text and "state from another stream: 161 marks." in text
