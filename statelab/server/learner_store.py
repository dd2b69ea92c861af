"""A learner's answers and Lab runs, kept across reloads without accounts, on the app's database.

A learner is an anonymous id (kept in a cookie of their browser: ui/learner.py). The records live on
the same database layer as class mode (statelab.server.database: an SQLite file in the cache folder, or
PostgreSQL named by DATABASE_URL), so replicas behind a load balancer share a learner's progress.
Every write is one transaction, so two tabs or two server threads never leave half a write behind.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import sqlite3
import time
from pathlib import Path

from statelab.server.database import Database

LEARNER_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
ANSWER_ID = re.compile(r"^[\w:.-]{1,80}$")
MAX_RUNS = 40  # a learner's oldest runs are forgotten beyond this many
KEEP_DAYS = 180  # learners not seen for this long are forgotten
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS learner_runs (
        learner TEXT NOT NULL, run_key TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, run TEXT NOT NULL,
        PRIMARY KEY (learner, run_key))""",
    """CREATE TABLE IF NOT EXISTS learner_answers (
        learner TEXT NOT NULL, answer_id TEXT NOT NULL, picked TEXT NOT NULL, outcome TEXT,
        updated DOUBLE PRECISION NOT NULL, PRIMARY KEY (learner, answer_id))""",
)
TABLES = ("learner_runs", "learner_answers")
INSERT_RUN = "INSERT INTO learner_runs (learner, run_key, created, run) VALUES (?, ?, ?, ?)"
INSERT_ANSWER = (
    "INSERT INTO learner_answers (learner, answer_id, picked, outcome, updated) VALUES (?, ?, ?, ?, ?)"
)
OLD_FILE = {  # what a learners.sqlite3 of before holds, read in the columns of the inserts above
    INSERT_RUN: "SELECT learner, run_key, created, run FROM runs",
    INSERT_ANSWER: "SELECT learner, answer_id, picked, outcome, updated FROM answers",
}


def new_learner_id() -> str:
    """A fresh anonymous learner id: 22 URL-safe characters (128 random bits)."""
    return secrets.token_urlsafe(16)


def is_learner_id(text: object) -> bool:
    """Whether `text` has the shape of a learner id (anything else is never looked up)."""
    return isinstance(text, str) and bool(LEARNER_ID.match(text))


class LearnerStore:
    """Runs (learner, run key -> a JSON-able dict) and answers (learner, answer id -> picked, outcome)."""

    def __init__(self, database: Database):
        self.database = database
        with database.transaction() as transaction:
            database.schema_lock(transaction)
            for statement in SCHEMA:
                transaction.execute(statement)
            cutoff = time.time() - KEEP_DAYS * 86400
            transaction.execute("DELETE FROM learner_runs WHERE created < ?", (cutoff,))
            transaction.execute("DELETE FROM learner_answers WHERE updated < ?", (cutoff,))

    def carry_over(self, path: Path) -> int:
        """Copy the runs and answers of a learner store file of before (SQLite, `runs` and `answers`)
        into this store, then rename the file so it is carried over once; how many rows came over."""
        path = Path(path)
        if not path.is_file():
            return 0
        with contextlib.closing(sqlite3.connect(path)) as old:
            rows = {insert: old.execute(select).fetchall() for insert, select in OLD_FILE.items()}
        with self.database.transaction() as transaction:
            for insert, found in rows.items():
                for row in found:  # a record already here (carried over by another replica) stays
                    transaction.execute(insert + " ON CONFLICT DO NOTHING", row)
        with contextlib.suppress(FileNotFoundError):  # another replica renamed it first
            path.rename(path.with_name(path.name + ".carried-over"))
        return sum(map(len, rows.values()))

    def add_run(self, learner: str, run_key: str, run: dict) -> None:
        """Remember a run (a run already kept under this key moves to the end); keep the newest MAX_RUNS."""
        _check(learner, run_key)
        text = json.dumps(run)
        with self.database.transaction() as transaction:
            transaction.execute(
                INSERT_RUN + " ON CONFLICT (learner, run_key) DO UPDATE SET created = excluded.created, "
                "run = excluded.run",
                (learner, run_key, time.time(), text),
            )
            transaction.execute(
                "DELETE FROM learner_runs WHERE learner = ? AND run_key NOT IN "
                "(SELECT run_key FROM learner_runs WHERE learner = ? ORDER BY created DESC LIMIT ?)",
                (learner, learner, MAX_RUNS),
            )

    def runs(self, learner: str) -> list[dict]:
        """A learner's runs, oldest first."""
        _check(learner)
        with self.database.transaction(write=False) as transaction:
            rows = transaction.all(
                "SELECT run FROM learner_runs WHERE learner = ? ORDER BY created", (learner,)
            )
        return [json.loads(run) for (run,) in rows]

    def save_answer(self, learner: str, answer_id: str, picked: str, outcome: str | None = None) -> None:
        """Keep a learner's prediction (and, once known, the outcome the run showed)."""
        _check(learner, answer_id)
        with self.database.transaction() as transaction:
            transaction.execute(
                INSERT_ANSWER + " ON CONFLICT (learner, answer_id) DO UPDATE SET picked = excluded.picked, "
                "outcome = excluded.outcome, updated = excluded.updated",
                (learner, answer_id, picked, outcome, time.time()),
            )

    def forget_answers(self, learner: str, answer_ids: list[str] | None = None) -> None:
        """Forget some of a learner's answers, or all of them (None)."""
        _check(learner, *(answer_ids or []))
        with self.database.transaction() as transaction:
            if answer_ids is None:
                transaction.execute("DELETE FROM learner_answers WHERE learner = ?", (learner,))
            for answer_id in answer_ids or []:
                transaction.execute(
                    "DELETE FROM learner_answers WHERE learner = ? AND answer_id = ?", (learner, answer_id)
                )

    def answers(self, learner: str) -> dict[str, dict]:
        """A learner's answers: answer id -> {"picked": option, "outcome": option or None}."""
        _check(learner)
        with self.database.transaction(write=False) as transaction:
            rows = transaction.all(
                "SELECT answer_id, picked, outcome FROM learner_answers WHERE learner = ?", (learner,)
            )
        return {answer_id: {"picked": picked, "outcome": outcome} for answer_id, picked, outcome in rows}


def _check(learner: str, *keys: str) -> None:
    """ValueError for a malformed learner id or key: only well-formed names reach the database."""
    if not is_learner_id(learner):
        raise ValueError(f"{learner!r} is not a learner id: expected 16-40 letters, digits, '-' or '_'.")
    for key in keys:
        if not isinstance(key, str) or not ANSWER_ID.match(key):
            raise ValueError(f"{key!r} is not a valid key: 1-80 letters, digits, '_', ':', '.' or '-'.")
