"""A small SQL layer that runs the same statements on SQLite (the default) and PostgreSQL.

Class mode and the learner records share it. One server keeps its data in an SQLite file in the shared
cache folder; several replicas share a PostgreSQL server named by `DATABASE_URL`
(`postgresql://user:password@host:5432/name`). Statements use `?` placeholders and the SQL that both
understand (`INSERT ... ON CONFLICT`, plain types); every use goes through `transaction()`, which commits
when the block ends and rolls back on an exception.

PostgreSQL is reached with psycopg 3 and its connection pool: the driver the PostgreSQL community
maintains (psycopg2's successor), with binary wheels that bundle libpq, so no system library is needed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from statelab.engine.storage import cache_directory

SQLITE_FILE = "statelab.sqlite3"  # classes and learner records
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
BUSY_TIMEOUT_MS = 10_000  # SQLite: how long a writer waits for another writer before giving up
POOL_SIZE = 10  # PostgreSQL: connections one server process keeps at most
POOL_WAIT = 5.0  # PostgreSQL: seconds a transaction waits for a connection before it fails
FAIL_FAST = 2.0  # PostgreSQL: seconds after a failure during which transactions fail without waiting
RECONNECT_WINDOW = 10.0  # PostgreSQL: seconds one reconnection attempt (with its growing delays) lasts
SQLITE_IDLE = 8  # SQLite: idle connections kept for reuse


class Transaction:
    """One open transaction: run statements, read rows."""

    def __init__(self, cursor: Any, placeholder: str):
        self._cursor = cursor
        self._placeholder = placeholder

    def execute(self, sql: str, parameters: tuple = ()) -> int:
        """Run one statement; the number of rows it changed."""
        self._cursor.execute(sql.replace("?", self._placeholder), parameters)
        return self._cursor.rowcount

    def one(self, sql: str, parameters: tuple = ()) -> tuple | None:
        """The first row of a query, or None."""
        self.execute(sql, parameters)
        return self._cursor.fetchone()

    def all(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """Every row of a query."""
        self.execute(sql, parameters)
        return list(self._cursor.fetchall())


class SQLiteDatabase:
    """An SQLite file in write-ahead-log mode: connections reused across threads, writers one at a time.

    Streamlit runs every script run in a new thread, so a connection per thread meant opening the file
    and setting its pragmas again for every run; connections are kept for reuse instead (a few idle
    ones at most), each used by one thread at a time. This process's writers queue on a lock (first
    come, first served) rather than polling SQLite's file lock: under a class's burst of answers,
    polling threads sleep in growing steps and wait far longer than the writes take. Other processes
    on the same file still wait through busy_timeout. Transactions do not nest.
    """

    kind = "sqlite"
    share_lock = update_lock = ""  # SQLite locks the whole file for writers; row locks have no syntax here

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = threading.Lock()
        self.idle: list[sqlite3.Connection] = []
        self.idle_lock = threading.Lock()
        with self._connection() as connection:
            connection.execute("PRAGMA journal_mode=WAL")

    def _open(self) -> sqlite3.Connection:
        """A new connection with this layer's settings."""
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in the file
        connection.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses the last commits only
        return connection

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """An idle connection (or a new one) for this block; kept for reuse afterwards unless it is left
        inside a transaction (a failed COMMIT or ROLLBACK) or enough are kept already."""
        with self.idle_lock:
            connection = self.idle.pop() if self.idle else None
        connection = connection or self._open()
        try:
            yield connection
        finally:
            with self.idle_lock:
                keep = not connection.in_transaction and len(self.idle) < SQLITE_IDLE
                if keep:
                    self.idle.append(connection)
            if not keep:
                connection.close()

    @contextlib.contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """A transaction; `write` takes the write lock at once (no upgrade deadlock between writers)."""
        with self._connection() as connection, self.writer if write else contextlib.nullcontext():
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Transaction(connection.cursor(), "?")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def schema_lock(self, transaction: Transaction) -> None:
        """Nothing to do: BEGIN IMMEDIATE already keeps two servers from creating tables at once."""

    def close(self) -> None:
        """Close the connections kept for reuse (a later transaction opens a new one)."""
        with self.idle_lock:
            idle, self.idle = self.idle, []
        for connection in idle:
            connection.close()


class DatabaseUnavailable(RuntimeError):
    """The database failed to answer a moment ago: this call did not wait for it again."""


class PostgresDatabase:
    """A PostgreSQL server through a psycopg connection pool, made to ride out a restart of the server.

    - After a restart, every connection the pool kept is broken; unchecked, each failed the next
      transaction that took it (measured: 3 kept connections, 3 failed transactions). The pool checks
      a connection before handing it out (an empty query) and replaces a broken one.
    - While the server is away, a transaction waits at most POOL_WAIT seconds for a connection
      (psycopg_pool.PoolTimeout); for FAIL_FAST seconds after that, or after a lost connection,
      transactions fail at once (DatabaseUnavailable) instead of each waiting again, so a page that
      needs the database several times says so after one wait, not after several.
    - The pool reconnects in the background with a growing delay; an attempt gives up after
      RECONNECT_WINDOW seconds and the next transaction starts a new one, so the first retry after
      the server's return comes within a few seconds (measured, a 40 s outage: back 1.8 s after the
      server, against 16.6 s with psycopg_pool's default of 5 minutes).
    """

    kind = "postgresql"
    share_lock = " FOR SHARE"  # row locks: a change to the row waits for the readers that hold it,
    update_lock = " FOR UPDATE"  # and a read-then-change holds the row until it commits

    def __init__(self, url: str, max_size: int = POOL_SIZE):
        from psycopg_pool import ConnectionPool

        self.url = url
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=True,
            name="statelab-database",
            check=ConnectionPool.check_connection,
            timeout=POOL_WAIT,
            reconnect_timeout=RECONNECT_WINDOW,
        )
        self.failed_at = -FAIL_FAST  # time.monotonic() of the last failure to reach the server

    @contextlib.contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """A transaction (committed at the end of the block, rolled back on an exception)."""
        from psycopg import OperationalError
        from psycopg_pool import PoolTimeout

        if time.monotonic() - self.failed_at < FAIL_FAST:
            raise DatabaseUnavailable("The database did not answer a moment ago; try again in a few seconds.")
        try:
            with self.pool.connection() as connection:
                try:
                    with connection.transaction(), connection.cursor() as cursor:
                        yield Transaction(cursor, "%s")
                except OperationalError:
                    if connection.broken:  # the server went away (not a statement that failed)
                        self.failed_at = time.monotonic()
                    raise
        except PoolTimeout:
            self.failed_at = time.monotonic()
            raise

    def schema_lock(self, transaction: Transaction) -> None:
        """Serialise schema creation between replicas that start together."""
        transaction.execute("SELECT pg_advisory_xact_lock(7405321)")

    def close(self) -> None:
        """Close the pool's connections."""
        self.pool.close()


Database = SQLiteDatabase | PostgresDatabase


def open_database(url: str | None = None) -> Database:
    """The database at `url` (`sqlite:///path` or `postgresql://...`), else DATABASE_URL, else SQLite.

    The SQLite default lives in the shared cache folder (STATELAB_CACHE), beside the result cache.
    """
    url = url if url is not None else os.environ.get("DATABASE_URL", "")
    if url.startswith(POSTGRES_SCHEMES):
        return PostgresDatabase(url)
    if url.startswith("sqlite:///"):
        return SQLiteDatabase(Path(url.removeprefix("sqlite:///")))
    if url:
        raise ValueError(
            f"DATABASE_URL must start with postgresql:// or sqlite:///, not {url.split(':', 1)[0]!r}."
        )
    return SQLiteDatabase(cache_directory() / SQLITE_FILE)
