"""Who may do what in a class, and what an expired class still holds (nothing), on both databases."""

from __future__ import annotations

import hashlib
import math
import secrets

import pytest
from class_fixtures import (  # noqa: F401  (fixtures)
    QUESTION,
    clock_fixture,
    database_fixture,
    room_fixture,
    rows_of,
)

from statelab.server.class_records import CODE_ALPHABET, CODE_LENGTH, ClassNotFound, NotTeacher, new_code
from statelab.server.classroom import PURGE_EVERY, TABLES, Classroom

TEACHER_ACTIONS = {
    "ask": lambda room, code, token: room.ask(code, token, QUESTION),
    "ask again": lambda room, code, token: room.ask_again(code, token),
    "reveal": lambda room, code, token: room.reveal(code, token),
    "record an outcome": lambda room, code, token: room.reveal(code, token, outcome="error"),
    "tally": lambda room, code, token: room.tally(code, token),
    "names": lambda room, code, token: room.names(code, token),
    "close": lambda room, code, token: room.close(code, token),
}


@pytest.fixture
def open_class(room):
    """A class with a question asked and two learners' answers in."""
    started = room.start()
    room.ask(started.code, started.teacher_token, QUESTION)
    learners = [room.join(started.code, name) for name in ("Ada", "Grace")]
    for token in learners:
        room.answer(started.code, token, "trains", ask=1, poll=1)
    return started, learners


@pytest.mark.parametrize("action", TEACHER_ACTIONS)
def test_only_the_teacher_token_controls_a_class(room, open_class, action):
    started, learners = open_class
    other = room.start()  # another class's teacher
    intruders = {
        "a learner's token": learners[0],
        "a guessed token": secrets.token_urlsafe(32),
        "an empty token": "",
        "the teacher token's hash": hashlib.sha256(started.teacher_token.encode()).hexdigest(),
        "another class's teacher token": other.teacher_token,
    }
    for who, token in intruders.items():
        with pytest.raises(NotTeacher, match="Only the teacher who started this class"):
            TEACHER_ACTIONS[action](room, started.code, token)
        state = room.state(started.code)
        assert (state.ask, state.poll, state.revealed) == (1, 1, False), who
    assert room.tally(started.code, started.teacher_token).counts == {1: {"trains": 2, "error": 0}}
    TEACHER_ACTIONS[action](room, started.code, started.teacher_token)  # the teacher can


def test_only_the_teacher_token_is_recognised_as_the_teacher(room, open_class):
    """Issue 23: the page asks this before it shows any teacher control (a forged cookie sees none)."""
    started, learners = open_class
    assert room.is_teacher(started.code, started.teacher_token)
    for token in (learners[0], secrets.token_urlsafe(32), "", room.start().teacher_token):
        assert not room.is_teacher(started.code, token)
    room.close(started.code, started.teacher_token)
    with pytest.raises(ClassNotFound):
        room.is_teacher(started.code, started.teacher_token)


def test_learners_see_no_names_and_no_counts(room, open_class):
    started, learners = open_class
    state = room.state(started.code)
    shown_to_learners = repr(state) + repr(room.my_answers(started.code, learners[0]))
    assert "Ada" not in shown_to_learners and "Grace" not in shown_to_learners
    assert room.my_answers(started.code, learners[0]) == {1: "trains"}  # their own answer only
    assert state.outcome is None  # nothing is revealed before the teacher reveals


def test_an_expired_class_answers_nothing_and_holds_no_data(room, open_class, clock, database):
    started, learners = open_class
    assert sum(rows_of(database, started.code).values()) == 6  # with the question asked, for the record
    clock.now += room.hours * 3600 + 1
    calls = {
        "state": lambda: room.state(started.code),
        "join": lambda: room.join(started.code, "Late"),
        "rejoin": lambda: room.join(started.code, learner_token=learners[0]),
        "answer": lambda: room.answer(started.code, learners[0], "error", ask=1, poll=1),
        "my answers": lambda: room.my_answers(started.code, learners[0]),
        **{
            name: (lambda act=act: act(room, started.code, started.teacher_token))
            for name, act in TEACHER_ACTIONS.items()
        },
    }
    for name, call in calls.items():
        with pytest.raises(ClassNotFound, match="No class is open with the code"):
            call()
        assert rows_of(database, started.code) == dict.fromkeys(TABLES, 0), name


def test_expired_classes_are_swept_while_the_server_is_used(database, clock):
    """A class nobody touches after it expires is deleted by other classes' traffic within PURGE_EVERY."""
    room = Classroom(database, hours=1, clock=clock)
    forgotten = room.start()
    room.join(forgotten.code, "Ada")
    clock.now += 1800
    busy = room.start()  # started half an hour later: still open when the first expires
    clock.now += 1800 + 1
    room.join(busy.code)
    assert sum(rows_of(database, forgotten.code).values()) == 0
    assert rows_of(database, busy.code)["class_sessions"] == 1
    clock.now += PURGE_EVERY / 2
    assert room.purge_expired() == 0


def test_codes_come_from_secrets_and_are_long_enough():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    used = {character for code in codes for character in code}
    assert used == set(CODE_ALPHABET)  # every character is drawn
    bits = CODE_LENGTH * math.log2(len(CODE_ALPHABET))
    guesses = 1000 * 3 * 3600  # a thousand tries a second over a 3-hour class
    assert bits > 39 and guesses / 2**bits < 1e-4
