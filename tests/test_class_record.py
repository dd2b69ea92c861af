"""The class's record (issue 23): what the teacher downloads before a class is deleted, on both databases."""

from __future__ import annotations

import csv
import io

import pytest
from class_fixtures import OTHER, QUESTION, clock_fixture, database_fixture, room_fixture  # noqa: F401

from statelab.server.class_records import NotTeacher
from statelab.server.class_report import build_record, people_csv, record_csv, record_summary


def run_a_class(room):
    """Two questions: the first voted twice and revealed, the second voted once and never revealed."""
    started = room.start()
    code, token = started.code, started.teacher_token
    learners = [room.join(code, name) for name in ("Ada", "", "Grace", "", "")]
    room.ask(code, token, QUESTION)
    for learner, choice in zip(learners, ["trains", "trains", "error", "trains", "error"], strict=True):
        room.answer(code, learner, choice, ask=1, poll=1)
    room.ask_again(code, token)
    for learner, choice in zip(learners[:4], ["error", "error", "error", "trains"], strict=True):
        room.answer(code, learner, choice, ask=1, poll=2)
    room.reveal(code, token)
    room.reveal(code, token, outcome="error")
    room.ask(code, token, OTHER)
    room.answer(code, learners[0], "same", ask=2, poll=1)
    return code, token


def test_the_record_holds_each_question_both_votes_the_outcome_and_the_gain(room):
    code, token = run_a_class(room)
    records, people = build_record(*room.record(code, token))
    first, second = records
    assert first.counts == {1: {"trains": 3, "error": 2}, 2: {"trains": 1, "error": 3}}
    assert (first.outcome, first.share_right(1), first.share_right(2)) == ("error", 0.4, 0.75)
    points, normalised = first.gain()
    assert points == pytest.approx(35) and normalised == pytest.approx(0.35 / 0.6)
    assert (second.outcome, second.share_right(1), second.gain()) == (None, None, None)  # not revealed
    rows = list(csv.DictReader(io.StringIO(record_csv(records))))
    assert [
        (row["question_number"], row["option"], row["first_vote"], row["second_vote"]) for row in rows
    ] == [
        ("1", "It trains", "3", "1"),
        ("1", "Error", "2", "3"),
        ("2", "Same", "1", "0"),
        ("2", "Stateful", "0", "0"),
    ]
    assert rows[1]["run_showed_this"] == "yes" and rows[0]["run_showed_this"] == "no"
    assert (rows[0]["percent_right_first_vote"], rows[0]["percent_right_after_discussion"]) == ("40", "75")
    assert (rows[0]["gain_points"], rows[0]["normalised_gain"]) == ("+35", "0.58")
    summary = record_summary(code, records, joined=5, date="6 December 2026")
    assert "| 1 | Partial batch | Error | 40 % of 5 | 75 % of 4 | +35 points (g = 0.58) |" in summary
    assert "| 2 | Control | not revealed | – | – | – |" in summary
    for text in (record_csv(records), summary):  # nobody is named unless the teacher asks
        assert "Ada" not in text and "Grace" not in text and "anonymous" not in text
    named = list(csv.DictReader(io.StringIO(people_csv(records, people))))
    assert [row["learner"] for row in named[::2]] == [
        "Ada",
        "Grace",
        "anonymous 1",
        "anonymous 2",
        "anonymous 3",
    ]
    assert (named[0]["first_vote"], named[0]["second_vote"], named[0]["run_showed"]) == (
        "It trains",
        "Error",
        "Error",
    )


def test_only_the_teacher_reads_the_record_and_it_goes_with_the_class(room):
    code, token = run_a_class(room)
    with pytest.raises(NotTeacher):
        room.record(code, room.start().teacher_token)
    room.close(code, token)
    with pytest.raises(Exception, match="No class is open"):
        room.record(code, token)
