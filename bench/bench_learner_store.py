"""What a learner-store write costs, measured side by side in one run: the store on the database layer
(SQLite connections kept for reuse) against a connection opened for every write.

    .venv/bin/python bench/bench_learner_store.py [--writes 200]

Every Lab run a learner finishes and every answer they give is one write on the server's script
thread, so a class of 100 learners makes a few writes a second. The database layer keeps SQLite
connections for reuse (write-ahead log, one writer at a time); opening a connection per write makes
SQLite checkpoint the log whenever the last connection closes. Prints milliseconds per write and
the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statelab.server.database import open_database  # noqa: E402
from statelab.server.learner_store import INSERT_ANSWER, INSERT_RUN, LearnerStore, new_learner_id  # noqa: E402

RUN = {"config": {"batch_size": 16, "timesteps": 10}, "by_window": {"stateful": [[1.0] * 8]}}


def store_writes(path: Path, writes: int) -> float:
    """Seconds per write through LearnerStore (answers and runs, alternating)."""
    store, learner = LearnerStore(open_database(f"sqlite:///{path}")), new_learner_id()
    start = time.perf_counter()
    for index in range(writes):
        if index % 2:
            store.add_run(learner, f"run.{index}", RUN)
        else:
            store.save_answer(learner, f"check{index}", "picked", "outcome")
    return (time.perf_counter() - start) / writes


def connection_per_write(path: Path, writes: int) -> float:
    """Seconds per write with the same SQL and journal, a new connection each time."""
    LearnerStore(open_database(f"sqlite:///{path}")).database.close()  # the same schema and write-ahead log
    learner = new_learner_id()
    start = time.perf_counter()
    for index in range(writes):
        with contextlib.closing(sqlite3.connect(path, timeout=10)) as connection, connection:
            connection.execute("PRAGMA synchronous=NORMAL")
            if index % 2:
                connection.execute(INSERT_RUN, (learner, f"run.{index}", time.time(), json.dumps(RUN)))
            else:
                connection.execute(
                    INSERT_ANSWER, (learner, f"check{index}", "picked", "outcome", time.time())
                )
    return (time.perf_counter() - start) / writes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=200)
    writes = parser.parse_args().writes
    with tempfile.TemporaryDirectory() as folder:
        kept = store_writes(Path(folder) / "kept.sqlite3", writes)
        opened = connection_per_write(Path(folder) / "opened.sqlite3", writes)
    print(f"{writes} writes each, on {tempfile.gettempdir()}'s disk:")
    print(f"  LearnerStore on the database layer: {kept * 1000:.3f} ms per write")
    print(f"  a connection per write:             {opened * 1000:.3f} ms per write")
    print(f"  ratio (per-write / kept):           {opened / kept:.0f}x")


if __name__ == "__main__":
    main()
