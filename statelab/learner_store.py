"""A learner's answers and Lab runs, kept across reloads without accounts: an embedded SQLite store.

A learner is an anonymous id (kept in a cookie of their browser: ui/learner.py). Every write is one
transaction, so two tabs or two server threads never leave half a write behind. The SQL is plain
enough for PostgreSQL (`ON CONFLICT ... DO UPDATE` included): a second backend needs only its own
connection in `__init__` and `%s` placeholders.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

LEARNER_ID = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
ANSWER_ID = re.compile(r"^[\w:.-]{1,80}$")
MAX_RUNS = 40  # a learner's oldest runs are forgotten beyond this many
KEEP_DAYS = 180  # learners not seen for this long are forgotten
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS runs (
        learner TEXT NOT NULL, run_key TEXT NOT NULL, created REAL NOT NULL, run TEXT NOT NULL,
        PRIMARY KEY (learner, run_key))""",
    """CREATE TABLE IF NOT EXISTS answers (
        learner TEXT NOT NULL, answer_id TEXT NOT NULL, picked TEXT NOT NULL, outcome TEXT,
        updated REAL NOT NULL, PRIMARY KEY (learner, answer_id))""",
)


def new_learner_id() -> str:
    """A fresh anonymous learner id: 22 URL-safe characters (128 random bits)."""
    return secrets.token_urlsafe(16)


def is_learner_id(text: object) -> bool:
    """Whether `text` has the shape of a learner id (anything else is never looked up)."""
    return isinstance(text, str) and bool(LEARNER_ID.match(text))


class LearnerStore:
    """Runs (learner, run key -> a JSON-able dict) and answers (learner, answer id -> picked, outcome)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, one transaction at a time: writes are a fraction of a millisecond, and a
        # connection opened per write would checkpoint the write-ahead log every time (~20 ms).
        self._connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self._lock = threading.Lock()
        self._connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
        self._connection.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe across crashes of the app
        with self._transaction() as connection:
            for statement in SCHEMA:
                connection.execute(statement)
            cutoff = time.time() - KEEP_DAYS * 86400
            connection.execute("DELETE FROM runs WHERE created < ?", (cutoff,))
            connection.execute("DELETE FROM answers WHERE updated < ?", (cutoff,))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed at the end of the block, rolled back if it raises."""
        with self._lock, self._connection:
            yield self._connection

    def close(self) -> None:
        """Close the store's connection."""
        with self._lock:
            self._connection.close()

    def add_run(self, learner: str, run_key: str, run: dict) -> None:
        """Remember a run (a run already kept under this key moves to the end); keep the newest MAX_RUNS."""
        _check(learner, run_key)
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO runs (learner, run_key, created, run) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (learner, run_key) DO UPDATE SET created = excluded.created, run = excluded.run",
                (learner, run_key, time.time(), json.dumps(run)),
            )
            connection.execute(
                "DELETE FROM runs WHERE learner = ? AND run_key NOT IN "
                "(SELECT run_key FROM runs WHERE learner = ? ORDER BY created DESC LIMIT ?)",
                (learner, learner, MAX_RUNS),
            )

    def runs(self, learner: str) -> list[dict]:
        """A learner's runs, oldest first."""
        _check(learner)
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT run FROM runs WHERE learner = ? ORDER BY created", (learner,)
            ).fetchall()
        return [json.loads(run) for (run,) in rows]

    def save_answer(self, learner: str, answer_id: str, picked: str, outcome: str | None = None) -> None:
        """Keep a learner's prediction (and, once known, the outcome the run showed)."""
        _check(learner, answer_id)
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO answers (learner, answer_id, picked, outcome, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (learner, answer_id) DO UPDATE SET picked = excluded.picked, "
                "outcome = excluded.outcome, updated = excluded.updated",
                (learner, answer_id, picked, outcome, time.time()),
            )

    def forget_answers(self, learner: str, answer_ids: list[str] | None = None) -> None:
        """Forget some of a learner's answers, or all of them (None)."""
        _check(learner, *(answer_ids or []))
        with self._transaction() as connection:
            if answer_ids is None:
                connection.execute("DELETE FROM answers WHERE learner = ?", (learner,))
            else:
                connection.executemany(
                    "DELETE FROM answers WHERE learner = ? AND answer_id = ?",
                    [(learner, answer_id) for answer_id in answer_ids],
                )

    def answers(self, learner: str) -> dict[str, dict]:
        """A learner's answers: answer id -> {"picked": option, "outcome": option or None}."""
        _check(learner)
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT answer_id, picked, outcome FROM answers WHERE learner = ?", (learner,)
            ).fetchall()
        return {answer_id: {"picked": picked, "outcome": outcome} for answer_id, picked, outcome in rows}


def _check(learner: str, *keys: str) -> None:
    """ValueError for a malformed learner id or key: only well-formed names reach the database."""
    if not is_learner_id(learner):
        raise ValueError(f"{learner!r} is not a learner id: expected 16-40 letters, digits, '-' or '_'.")
    for key in keys:
        if not isinstance(key, str) or not ANSWER_ID.match(key):
            raise ValueError(f"{key!r} is not a valid key: 1-80 letters, digits, '_', ':', '.' or '-'.")
