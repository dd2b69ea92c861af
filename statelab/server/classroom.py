"""Class mode's data: classes, the learners who joined them and their answers, in SQLite or PostgreSQL.

Who may do what:
- Anyone with a class code may join and answer. Codes are 8 characters from `secrets` over 31 letters
  and digits (31**8, about 8.5e11 codes): a guesser trying 1,000 codes a second for a whole 3-hour
  class finds a given class with a chance of about 1 in 80,000.
- Only the teacher's token (`secrets.token_urlsafe(32)`, 256 bits) can ask, reveal or close; only its
  SHA-256 is stored. Learners' tokens are stored hashed too, and names are shown to the teacher only.
- A class expires `hours` after it starts: it then answers nothing, and its answers, learners and the
  class itself are deleted at the next use of the database (and at least every PURGE_EVERY seconds
  while the server is used).
Every call is one transaction; a learner has one answer per poll (a new submit replaces it).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable

from statelab.server.class_records import (
    AnswersClosed,
    ClassError,
    ClassNotFound,
    ClassState,
    NewClass,
    NotTeacher,
    Question,
    Tally,
    class_hours,
    class_state,
    clean_name,
    new_code,
    normalize_code,
    token_hash,
)
from statelab.server.database import Database, Transaction

MAX_HOURS = 48.0
MAX_LEARNERS = 500  # per class: joins beyond this are refused (a runaway script cannot fill the disk)
PURGE_EVERY = 60.0  # seconds between sweeps for expired classes
POLLS = (1, 2)  # the first vote, and the vote after discussion ("Ask again")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS class_sessions (
        code TEXT PRIMARY KEY,
        teacher_hash TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL,
        ask INTEGER NOT NULL DEFAULT 0,
        poll INTEGER NOT NULL DEFAULT 0,
        question TEXT,
        revealed INTEGER NOT NULL DEFAULT 0,
        outcome TEXT)""",
    "CREATE INDEX IF NOT EXISTS class_sessions_expiry ON class_sessions (expires_at)",
    """CREATE TABLE IF NOT EXISTS class_learners (
        code TEXT NOT NULL REFERENCES class_sessions (code) ON DELETE CASCADE,
        learner_hash TEXT NOT NULL,
        name TEXT NOT NULL,
        joined_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (code, learner_hash))""",
    """CREATE TABLE IF NOT EXISTS class_answers (
        code TEXT NOT NULL,
        learner_hash TEXT NOT NULL,
        ask INTEGER NOT NULL,
        poll INTEGER NOT NULL,
        choice TEXT NOT NULL,
        answered_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (code, ask, poll, learner_hash),
        FOREIGN KEY (code, learner_hash) REFERENCES class_learners (code, learner_hash) ON DELETE CASCADE)""",
    """CREATE TABLE IF NOT EXISTS class_asks (
        code TEXT NOT NULL REFERENCES class_sessions (code) ON DELETE CASCADE,
        ask INTEGER NOT NULL,
        question TEXT NOT NULL,
        outcome TEXT,
        PRIMARY KEY (code, ask))""",
)
TABLES = ("class_answers", "class_asks", "class_learners", "class_sessions")  # children first
CLASS_COLUMNS = "code, teacher_hash, expires_at, ask, poll, question, revealed, outcome"


class Classroom:
    """Classes in a database: start, join, ask, answer, tally, reveal, ask again, close."""

    def __init__(
        self, database: Database, hours: float | None = None, clock: Callable[[], float] = time.time
    ):
        self.hours = class_hours() if hours is None else float(hours)
        if not 0 < self.hours <= MAX_HOURS:
            raise ValueError(
                f"A class lasts more than 0 and at most {MAX_HOURS:g} hours, not {self.hours:g}."
            )
        self.database = database
        self.clock = clock
        self.last_purge = float("-inf")
        with database.transaction() as transaction:
            database.schema_lock(transaction)
            for statement in SCHEMA:
                transaction.execute(statement)

    def _run(self, work: Callable[[Transaction], object], write: bool = True):
        """Run `work` in one transaction; an expired class met on the way is deleted at once."""
        if self.clock() - self.last_purge >= PURGE_EVERY:
            self.purge_expired()
        try:
            with self.database.transaction(write) as transaction:
                return work(transaction)
        except ClassNotFound as error:
            if error.expired:
                self.purge_expired()
            raise

    def _live(self, transaction: Transaction, code: str, lock: str = "") -> tuple:
        """The class row of an open class; ClassNotFound if there is none or it has expired."""
        row = transaction.one(f"SELECT {CLASS_COLUMNS} FROM class_sessions WHERE code = ?{lock}", (code,))
        if row is None:
            raise ClassNotFound(code)
        if row[2] <= self.clock():
            raise ClassNotFound(code, expired=True)
        return row

    def _teacher(self, transaction: Transaction, code: str, teacher_token: str, lock: str = "") -> tuple:
        """The class row, if `teacher_token` is this class's teacher token; NotTeacher otherwise."""
        row = self._live(transaction, normalize_code(code), lock)
        if not hmac.compare_digest(row[1], token_hash(teacher_token)):
            raise NotTeacher(
                "Only the teacher who started this class can change its question, reveal or close it."
            )
        return row

    def is_teacher(self, code: str, teacher_token: str) -> bool:
        """Whether `teacher_token` is this open class's teacher token; ClassNotFound if no class is open."""

        def check(transaction: Transaction) -> bool:
            try:
                self._teacher(transaction, code, teacher_token)
            except NotTeacher:
                return False
            return True

        return self._run(check, write=False)

    def start(self) -> NewClass:
        """Start a class: a new code and the teacher's token."""
        token, now = secrets.token_urlsafe(32), self.clock()
        expires_at = now + self.hours * 3600

        def insert(transaction: Transaction) -> str | None:
            code = new_code()
            added = transaction.execute(
                "INSERT INTO class_sessions (code, teacher_hash, created_at, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (code) DO NOTHING",
                (code, token_hash(token), now, expires_at),
            )
            return code if added == 1 else None

        code = None
        while code is None:  # a clash with an open class's code is astronomically rare: draw again
            code = self._run(insert)
        return NewClass(code, token, expires_at)

    def state(self, code: str) -> ClassState:
        """The open question of a class and, once revealed, its outcome; ClassNotFound if none is open."""
        row = self._run(lambda transaction: self._live(transaction, normalize_code(code)), write=False)
        return class_state(row)

    def join(self, code: str, name: str = "", learner_token: str | None = None) -> str:
        """Join a class (or come back to it with `learner_token`); the learner's token."""
        token, code = learner_token or secrets.token_urlsafe(24), normalize_code(code)

        def add(transaction: Transaction) -> None:
            self._live(transaction, code)
            joined = transaction.one("SELECT COUNT(*) FROM class_learners WHERE code = ?", (code,))[0]
            if joined >= MAX_LEARNERS and not _is_learner(transaction, (code, token_hash(token))):
                raise ClassError(f"This class is full ({MAX_LEARNERS} learners).")
            transaction.execute(
                "INSERT INTO class_learners (code, learner_hash, name, joined_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (code, learner_hash) DO UPDATE SET name = excluded.name",
                (code, token_hash(token), clean_name(name), self.clock()),
            )

        self._run(add)
        return token

    def answer(self, code: str, learner_token: str, choice: str, ask: int, poll: int) -> None:
        """Record a learner's answer to poll `poll` of question number `ask` (replacing an earlier one)."""
        code = normalize_code(code)

        def record(transaction: Transaction) -> None:
            row = self._live(transaction, code, self.database.share_lock)
            state = class_state(row)
            if state.question is None or (state.ask, state.poll) != (ask, poll):
                raise AnswersClosed("The teacher has moved on: answer the question on your screen now.")
            if state.revealed:
                raise AnswersClosed(
                    "The answer has been revealed: answers are closed until the teacher asks again."
                )
            state.question.check_option(choice)
            learner = (code, token_hash(learner_token))
            if not _is_learner(transaction, learner):
                raise ClassError("Join the class first.")
            transaction.execute(
                "INSERT INTO class_answers (code, learner_hash, ask, poll, choice, answered_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code, ask, poll, learner_hash) "
                "DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at",
                (*learner, ask, poll, choice, self.clock()),
            )

        self._run(record)

    def my_answers(self, code: str, learner_token: str) -> dict[int, str] | None:
        """A learner's answers to the open question (poll -> option); None if this token has not joined."""
        code = normalize_code(code)
        learner = (code, token_hash(learner_token))

        def read(transaction: Transaction) -> dict[int, str] | None:
            row = self._live(transaction, code)
            if not _is_learner(transaction, learner):
                return None
            rows = transaction.all(
                "SELECT poll, choice FROM class_answers WHERE code = ? AND learner_hash = ? AND ask = ?",
                (*learner, row[3]),
            )
            return dict(rows)

        return self._run(read, write=False)

    def _update(
        self,
        code: str,
        teacher_token: str,
        change: Callable[[ClassState], tuple[str, tuple]],
        then: tuple[str, Callable[[ClassState], tuple]] | None = None,
    ) -> None:
        """Check the teacher token, then apply one UPDATE of the class row that `change` returns, and
        `then`'s statement with its values from the class as it was (the record of each question)."""

        def update(transaction: Transaction) -> None:
            row = self._teacher(transaction, code, teacher_token, self.database.update_lock)
            state = class_state(row)
            assignments, values = change(state)
            transaction.execute(f"UPDATE class_sessions SET {assignments} WHERE code = ?", (*values, row[0]))
            if then:
                transaction.execute(then[0], then[1](state))

        self._run(update)

    def ask(self, code: str, teacher_token: str, question: Question) -> None:
        """Put a question to the class: a fresh first poll, nothing revealed; kept for the class's record."""
        assignments = "ask = ask + 1, poll = 1, question = ?, revealed = 0, outcome = NULL"
        remember = "INSERT INTO class_asks (code, ask, question) VALUES (?, ?, ?)"
        self._update(
            code,
            teacher_token,
            lambda state: (assignments, (question.to_json(),)),
            (remember, lambda state: (state.code, state.ask + 1, question.to_json())),
        )

    def ask_again(self, code: str, teacher_token: str) -> None:
        """Open the second poll of the open question (after discussion); the first poll's answers stay."""

        def change(state: ClassState) -> tuple[str, tuple]:
            if state.question is None or state.poll != 1:
                raise ClassError("Ask again needs a question in its first poll.")
            return "poll = 2, revealed = 0", ()

        self._update(code, teacher_token, change)

    def reveal(self, code: str, teacher_token: str, outcome: str | None = None) -> None:
        """Close the answers and reveal; `outcome` (an option key) once the experiment has run."""

        def change(state: ClassState) -> tuple[str, tuple]:
            if state.question is None:
                raise ClassError("Ask a question before revealing.")
            if outcome is None:
                return "revealed = 1", ()
            return "revealed = 1, outcome = ?", (state.question.check_option(outcome),)

        remember = "UPDATE class_asks SET outcome = ? WHERE code = ? AND ask = ?"
        then = (remember, lambda state: (outcome, state.code, state.ask)) if outcome else None
        self._update(code, teacher_token, change, then)

    def record(self, code: str, teacher_token: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The class so far, for its record (teacher only): every question asked (ask, question JSON,
        outcome), every answer (learner hash, ask, poll, choice), every learner (hash, name), by arrival."""

        def read(transaction: Transaction) -> tuple[list[tuple], list[tuple], list[tuple]]:
            key = (self._teacher(transaction, code, teacher_token)[0],)
            return (
                transaction.all(
                    "SELECT ask, question, outcome FROM class_asks WHERE code = ? ORDER BY ask", key
                ),
                transaction.all(
                    "SELECT learner_hash, ask, poll, choice FROM class_answers WHERE code = ?", key
                ),
                transaction.all(
                    "SELECT learner_hash, name FROM class_learners WHERE code = ? ORDER BY joined_at", key
                ),
            )

        return self._run(read, write=False)

    def tally(self, code: str, teacher_token: str) -> Tally:
        """How many joined, and every option's count in each poll of the open question (teacher only)."""

        def read(transaction: Transaction) -> Tally:
            row = self._teacher(transaction, code, teacher_token)
            state = class_state(row)
            options = state.question.options if state.question else {}
            counts = {poll: dict.fromkeys(options, 0) for poll in POLLS[: state.poll]}
            rows = transaction.all(
                "SELECT poll, choice, COUNT(*) FROM class_answers WHERE code = ? AND ask = ? "
                "GROUP BY poll, choice",
                (row[0], state.ask),
            )
            for poll, choice, count in rows:
                counts.setdefault(poll, dict.fromkeys(options, 0))[choice] = count
            joined = transaction.one("SELECT COUNT(*) FROM class_learners WHERE code = ?", (row[0],))[0]
            return Tally(joined, counts)

        return self._run(read, write=False)

    def names(self, code: str, teacher_token: str) -> list[str]:
        """The display names learners gave (teacher only), sorted; anonymous learners are not listed."""

        def read(transaction: Transaction) -> list[str]:
            row = self._teacher(transaction, code, teacher_token)
            rows = transaction.all("SELECT name FROM class_learners WHERE code = ? AND name <> ''", (row[0],))
            return sorted(name for (name,) in rows)

        return self._run(read, write=False)

    def close(self, code: str, teacher_token: str) -> None:
        """End a class now: the class, its learners and every answer are deleted."""

        def delete(transaction: Transaction) -> None:
            row = self._teacher(transaction, code, teacher_token)
            for table in TABLES:
                transaction.execute(f"DELETE FROM {table} WHERE code = ?", (row[0],))

        self._run(delete)

    def purge_expired(self) -> int:
        """Delete every expired class with its learners and answers; how many classes were deleted."""
        now = self.clock()
        self.last_purge = now
        expired = "SELECT code FROM class_sessions WHERE expires_at <= ?"
        with self.database.transaction() as transaction:
            for table in TABLES[:-1]:
                transaction.execute(f"DELETE FROM {table} WHERE code IN ({expired})", (now,))
            return transaction.execute("DELETE FROM class_sessions WHERE expires_at <= ?", (now,))


def _is_learner(transaction: Transaction, learner: tuple[str, str]) -> bool:
    """Whether (code, learner hash) has joined that class."""
    sql = "SELECT 1 FROM class_learners WHERE code = ? AND learner_hash = ?"
    return transaction.one(sql, learner) is not None
