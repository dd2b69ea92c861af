"""Class mode's data layer on both databases: SQLite (the default) and a real PostgreSQL server."""

from __future__ import annotations

import threading

import postgres
import pytest
from class_fixtures import (  # noqa: F401  (fixtures)
    OTHER,
    QUESTION,
    clock_fixture,
    database_fixture,
    room_fixture,
    rows_of,
)
from postgres import postgres_url

from statelab.server.class_records import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AnswersClosed,
    ClassError,
    ClassNotFound,
    clean_name,
    format_code,
    normalize_code,
)
from statelab.server.classroom import TABLES, Classroom
from statelab.server.database import PostgresDatabase, SQLiteDatabase, open_database


def test_open_database_picks_the_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("STATELAB_CACHE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    default = open_database()
    assert isinstance(default, SQLiteDatabase) and default.path == tmp_path / "statelab.sqlite3"
    monkeypatch.setenv("DATABASE_URL", postgres_url())
    server = open_database()
    assert isinstance(server, PostgresDatabase)
    server.close()
    with pytest.raises(ValueError, match="must start with postgresql:// or sqlite:///, not 'mysql'"):
        open_database("mysql://user:secret@host/db")


def test_a_failed_transaction_leaves_nothing(database):
    Classroom(database)
    with pytest.raises(RuntimeError), database.transaction() as transaction:
        transaction.execute(
            "INSERT INTO class_sessions (code, teacher_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
            ("ROLLBACK", "x", 0.0, 1e12),
        )
        raise RuntimeError("something went wrong half way")
    assert rows_of(database, "ROLLBACK")["class_sessions"] == 0


def test_codes_are_short_readable_and_typed_loosely(room):
    started = room.start()
    assert len(started.code) == CODE_LENGTH and set(started.code) <= set(CODE_ALPHABET)
    typed = " " + format_code(started.code).lower() + " "
    assert normalize_code(typed) == started.code
    assert room.state(typed).code == started.code
    for wrong in ("", "ABC", "ABCD-EFG0", "<script>"):
        with pytest.raises(ClassError, match="A class code has 8 letters and digits"):
            room.state(wrong)


def test_a_round_of_questions(room):
    started = room.start()
    alice, bob = room.join(started.code, "Alice"), room.join(started.code)
    assert room.state(started.code).question is None
    with pytest.raises(AnswersClosed):
        room.answer(started.code, alice, "trains", ask=0, poll=0)
    room.ask(started.code, started.teacher_token, QUESTION)
    state = room.state(started.code)
    assert (state.question, state.ask, state.poll, state.revealed, state.outcome) == (
        QUESTION,
        1,
        1,
        False,
        None,
    )
    room.answer(started.code, alice, "trains", ask=1, poll=1)
    room.answer(started.code, bob, "trains", ask=1, poll=1)
    room.answer(started.code, bob, "error", ask=1, poll=1)  # a second submit replaces the first
    tally = room.tally(started.code, started.teacher_token)
    assert tally.joined == 2 and tally.counts == {1: {"trains": 1, "error": 1}}
    assert room.my_answers(started.code, bob) == {1: "error"}
    with pytest.raises(ValueError, match="'maybe' is not an option"):
        room.answer(started.code, alice, "maybe", ask=1, poll=1)

    room.ask_again(started.code, started.teacher_token)
    room.answer(started.code, alice, "error", ask=1, poll=2)
    with pytest.raises(AnswersClosed, match="moved on"):  # a page still showing the first poll
        room.answer(started.code, bob, "trains", ask=1, poll=1)
    assert room.tally(started.code, started.teacher_token).counts == {
        1: {"trains": 1, "error": 1},
        2: {"trains": 0, "error": 1},
    }
    assert room.my_answers(started.code, alice) == {1: "trains", 2: "error"}

    room.reveal(started.code, started.teacher_token)
    assert room.state(started.code).revealed and room.state(started.code).outcome is None
    with pytest.raises(AnswersClosed, match="revealed"):
        room.answer(started.code, bob, "error", ask=1, poll=2)
    room.reveal(started.code, started.teacher_token, outcome="error")
    assert room.state(started.code).outcome == "error"
    with pytest.raises(ValueError):
        room.reveal(started.code, started.teacher_token, outcome="maybe")

    room.ask(started.code, started.teacher_token, OTHER)  # a new question starts with no answers
    state = room.state(started.code)
    assert (state.question, state.ask, state.poll, state.revealed, state.outcome) == (
        OTHER,
        2,
        1,
        False,
        None,
    )
    assert room.tally(started.code, started.teacher_token).counts == {1: {"same": 0, "stateful": 0}}
    assert room.my_answers(started.code, alice) == {}


def test_a_returning_learner_keeps_their_answer(room):
    started = room.start()
    room.ask(started.code, started.teacher_token, QUESTION)
    token = room.join(started.code, "Ada")
    room.answer(started.code, token, "error", ask=1, poll=1)
    assert room.join(started.code, "Ada L.", learner_token=token) == token  # the page reloaded
    assert room.my_answers(started.code, token) == {1: "error"}
    assert room.tally(started.code, started.teacher_token).joined == 1
    assert room.names(started.code, started.teacher_token) == ["Ada L."]
    assert room.my_answers(started.code, "a token that never joined") is None
    with pytest.raises(ClassError, match="Join the class first"):
        room.answer(started.code, "a token that never joined", "error", ask=1, poll=1)


def test_names_are_cleaned_and_anonymous_learners_unlisted(room):
    started = room.start()
    room.join(started.code, "  Grace \n\t Hopper\x00\x1b[31m ")
    room.join(started.code, "")
    room.join(started.code, "x" * 100)
    assert room.names(started.code, started.teacher_token) == ["Grace Hopper[31m", "x" * 40]
    assert clean_name("\u202e\u200bBob") == "Bob"


def test_closing_deletes_everything(room, database):
    started = room.start()
    room.ask(started.code, started.teacher_token, QUESTION)
    room.answer(started.code, room.join(started.code, "Lin"), "trains", ask=1, poll=1)
    assert rows_of(database, started.code) == {
        "class_answers": 1,
        "class_asks": 1,  # the question asked, kept for the class's record until the class goes
        "class_learners": 1,
        "class_sessions": 1,
    }
    room.close(started.code, started.teacher_token)
    assert rows_of(database, started.code) == dict.fromkeys(TABLES, 0)
    with pytest.raises(ClassNotFound, match="No class is open with the code"):
        room.state(started.code)


def test_many_learners_answer_at_once(room):
    """100 learners submit in parallel threads (a second submit from each): every answer counts once."""
    started = room.start()
    room.ask(started.code, started.teacher_token, QUESTION)
    tokens = [room.join(started.code) for _ in range(100)]
    gate = threading.Barrier(len(tokens))
    errors = []

    def learner(index: int) -> None:
        gate.wait()
        try:
            room.answer(started.code, tokens[index], "trains", ask=1, poll=1)
            room.answer(started.code, tokens[index], ("trains", "error")[index % 2], ask=1, poll=1)
        except Exception as error:  # collected: a failure in a thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=learner, args=(index,)) for index in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert room.tally(started.code, started.teacher_token).counts == {1: {"trains": 50, "error": 50}}


def test_class_length_is_bounded(database):
    with pytest.raises(ValueError, match="at most 48 hours"):
        Classroom(database, hours=100)
    with pytest.raises(ValueError):
        Classroom(database, hours=0)


def test_sqlite_reuses_its_connections_across_threads(tmp_path):
    """Streamlit runs each script run in a new thread: they share a few connections, not one each."""
    database = open_database(f"sqlite:///{tmp_path / 'classes.sqlite3'}")
    room = Classroom(database)
    seen = []

    def script_run() -> None:
        room.start()
        with database.transaction(write=False) as transaction:
            seen.append(id(transaction._cursor.connection))

    for _ in range(5):  # one after another, as a session's runs are
        thread = threading.Thread(target=script_run)
        thread.start()
        thread.join()
    assert len(set(seen)) == 1 and len(seen) == 5
    database.close()


def test_without_postgresql_a_run_that_is_not_root_skips_with_the_install_command(monkeypatch):
    monkeypatch.delenv("STATELAB_TEST_DATABASE_URL", raising=False)
    monkeypatch.setattr(postgres, "_server", {})
    monkeypatch.setattr(postgres, "postgres_bin", lambda: None)
    monkeypatch.setattr(postgres.os, "geteuid", lambda: 1000)
    with pytest.raises(pytest.skip.Exception, match=r"sudo apt-get install postgresql"):
        postgres_url()
