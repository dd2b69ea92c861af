"""Lesson 13's page in AppTest with tiny runs: the live table, the carry chart on request, the forecast."""

import pytest
from apptest_helpers import chart_titled
from test_lessons import answer, open_app, settle, texts

from statelab.teaching.lessons import lesson

# lesson 13's page trains its runs in its job pool's worker
pytestmark = pytest.mark.training


def test_lesson_13_shows_each_layers_state_and_trains_the_carry_runs_only_when_asked_after_its_check():
    app = settle(open_app("views/lesson_13.py"))
    assert not app.exception
    page = texts(app)
    assert "| `Bidirectional(GRU)` | 2 of (4, 3) |" in page and "| `LSTM` | 2 of (4, 3) |" in page
    assert "not enough values to unpack (expected 2, got 1)" in page
    assert "the GRU's error was above the LSTM's on" in page and "the same week a year earlier" in page
    assert "lesson13_carry_button" not in [button.key for button in app.button]  # after the check
    answer(app, lesson(13).check("simple_rnn_carry"))
    button = next(button for button in app.button if button.key == "lesson13_carry_button")
    assert "Train these 6 runs" in button.label  # 3 layers x the session's 2 seeds, shrunk
    button.click().run()
    settle(app)
    assert not app.exception
    chart = chart_titled(app, "Which layer kept the cue in every window?")
    marks = [text.split(",")[0] for trace in chart["data"] for text in trace["hovertext"]]
    assert sorted(marks) == sorted(["LSTM", "GRU", "SimpleRNN"] * 2)
