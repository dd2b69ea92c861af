"""The database layer across a PostgreSQL restart: one short wait while it is down, no failure after.

psycopg_pool keeps its connections; a restart of the server breaks every one of them. Unchecked, each
kept connection failed the next transaction that took it (measured on psycopg_pool 3.3: three kept
connections, three failed transactions, AdminShutdown). statelab.server.database has the pool check a
connection before handing it out.
"""

from __future__ import annotations

import threading
import time

import pytest
from postgres import throwaway_postgres

from statelab.server.database import FAIL_FAST, POOL_WAIT, DatabaseUnavailable, open_database


def keep_connections(database, count: int) -> None:
    """Make the pool hold `count` connections (transactions held open at once, then returned)."""
    barrier = threading.Barrier(count)

    def hold() -> None:
        with database.transaction(write=False) as transaction:
            transaction.one("SELECT 1")
            barrier.wait(timeout=60)

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


@pytest.mark.server  # a real PostgreSQL, stopped and started again
def test_no_transaction_fails_after_a_restart_and_only_the_first_waits_while_down():
    with throwaway_postgres() as postgres:
        database = open_database(postgres.url)
        try:
            with database.transaction() as transaction:
                transaction.execute("CREATE TABLE kept (value INTEGER)")
                transaction.execute("INSERT INTO kept VALUES (1), (2)")
            keep_connections(database, 4)
            postgres.stop()
            began = time.monotonic()
            with pytest.raises(Exception) as failure, database.transaction(write=False) as transaction:
                transaction.one("SELECT 1")
            waited = time.monotonic() - began
            with pytest.raises(DatabaseUnavailable), database.transaction(write=False) as transaction:
                transaction.one("SELECT 1")  # at once: the server failed a moment ago
            at_once = time.monotonic() - began - waited
            postgres.start()
            time.sleep(FAIL_FAST)  # the window in which transactions fail without trying
            for _ in range(8):  # more than the connections the pool kept
                with database.transaction(write=False) as transaction:
                    assert transaction.all("SELECT value FROM kept ORDER BY value") == [(1,), (2,)]
        finally:
            database.close()
    assert type(failure.value).__name__ == "PoolTimeout"
    assert POOL_WAIT - 0.5 < waited < POOL_WAIT + 10, waited
    assert at_once < 1.0, at_once
