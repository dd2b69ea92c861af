"""Database test fixtures: a fresh database of each kind (SQLite, real PostgreSQL) with class mode's and the
learner records' tables, a hand-moved clock.

Test modules import the fixtures by their function names (`database_fixture`, ...); pytest knows
them as `database`, `clock` and `room`. Browser tests use conftest.py's `app_url` and `browser`.
"""

from __future__ import annotations

import pytest
from postgres import postgres_url

from statelab.server.class_records import Question
from statelab.server.classroom import TABLES, Classroom
from statelab.server.database import open_database
from statelab.server.learner_store import TABLES as LEARNER_TABLES
from statelab.server.learner_store import LearnerStore

QUESTION = Question(
    "lesson2.partial", "Partial batch", "What does fit do?", {"trains": "It trains", "error": "Error"}
)
OTHER = Question("preset.control", "Control", "Which model wins?", {"same": "Same", "stateful": "Stateful"})


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(name="database", params=["sqlite", "postgresql"])
def database_fixture(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'statelab.sqlite3'}")
    else:
        database = open_database(postgres_url())
        Classroom(database)  # the tables exist before they are emptied
        LearnerStore(database)
        with database.transaction() as transaction:
            for table in (*TABLES, *LEARNER_TABLES):
                transaction.execute(f"DELETE FROM {table}")
    yield database
    database.close()


@pytest.fixture(name="clock")
def clock_fixture():
    """A clock at a fixed time."""
    return Clock()


@pytest.fixture(name="room")
def room_fixture(database, clock):
    """A Classroom of 2-hour classes on the database, with the hand-moved clock."""
    return Classroom(database, hours=2, clock=clock)


def rows_of(database, code: str) -> dict[str, int]:
    """How many rows each class table holds for a class code."""
    with database.transaction(write=False) as transaction:
        return {
            table: transaction.one(f"SELECT COUNT(*) FROM {table} WHERE code = ?", (code,))[0]
            for table in TABLES
        }
