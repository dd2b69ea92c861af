"""What a class can be asked (every lesson check and preset), the answer chart and the QR code."""

from __future__ import annotations

import pytest

from statelab.charts.class_answers import OUTCOME_MARK, plot_answers, qr_png
from statelab.teaching.lessons import Scale, all_lessons
from statelab.teaching.presets import PRESETS
from ui.class_questions import all_questions, picker_label, question_source, works
from ui.lesson_page import drawings


def test_every_lesson_check_and_preset_can_be_asked():
    questions = all_questions()
    checks = [(item.number, check) for item in all_lessons() for check in item.checks]
    assert len(questions) == len(checks) + len(PRESETS)
    for number, check in checks:
        question = questions[f"lesson-{number}/{check.id}"]
        assert (question.text, question.options) == (check.question, check.options)
    for preset in PRESETS.values():
        assert questions[f"preset/{preset.id}"].options == preset.options
    assert all(len(picker_label(question)) < 140 for question in questions.values())


def test_the_live_side_of_every_lesson_check_is_found():
    """Each lesson object's checks are those of its text, and each has runs, a judge and a drawing."""
    for item in all_lessons():
        parts = drawings(item)
        assert [check.id for check in item.checks] == [check.id for check in item.text.checks], item.number
        assert all(
            check.runs.at(Scale())[0] and callable(check.judge) and callable(parts[check.view or check.id])
            for check in item.checks
        )
    assert works(all_questions()["preset/correct"])[0].task == "cue"


def test_a_question_id_must_name_a_check_or_preset():

    for wrong in ("preset/nothing", "lesson/x", "anything"):
        with pytest.raises(ValueError, match="is not a class question"):
            question_source(wrong)


def test_the_answer_chart_shows_both_votes_and_marks_the_outcome():
    options = {"error": "It fails", "trains": "It trains"}
    figure = plot_answers(
        options, {1: {"error": 3, "trains": 2}, 2: {"error": 5, "trains": 0}}, outcome="error"
    )
    first, second = figure.data
    assert list(first.x) == [2, 3] and list(second.x) == [0, 5]  # the first option is drawn at the top
    assert list(first.text) == ["2 (40%)", "3 (60%)"] and list(second.text) == ["0 (0%)", "5 (100%)"]
    assert [annotation.text for annotation in figure.layout.annotations] == ["First vote", "After discussion"]
    assert list(first.y) == ["It trains", OUTCOME_MARK + "It fails"]
    # one panel under the other, each at the full width (side by side, they overlapped on a phone) ...
    assert figure.layout.yaxis2.domain[1] < figure.layout.yaxis.domain[0]
    assert figure.layout.xaxis.domain == figure.layout.xaxis2.domain == (0.0, 1.0)
    projected = plot_answers(options, {1: {"error": 3}, 2: {"error": 5}}, large=True)
    assert projected.layout.xaxis2.domain[0] > projected.layout.xaxis.domain[1]  # ... but on a projector
    empty = plot_answers(options, {1: {}})
    assert list(empty.data[0].text) == ["0", "0"] and OUTCOME_MARK not in "".join(empty.data[0].y)
    with pytest.raises(ValueError, match="options that do not exist"):
        plot_answers(options, {1: {"maybe": 1}})


def test_the_qr_code_is_a_png_of_the_join_link():
    picture = qr_png("http://192.168.1.20:8501/join?code=7KQ4MX9P")
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and len(picture) > 200
    with pytest.raises(ValueError):
        qr_png("")
