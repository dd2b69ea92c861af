"""Class mode under a class's load: how long the teacher's page takes to show each answer.

    .venv/bin/python bench/bench_class_mode.py [--learners 100] [--window 2] [--databases sqlite postgresql]

For each database, a real `streamlit run` server (two training workers, as in the tests), the
teacher's page as a session refreshing its chart as a browser does (every second), and N learners as
real sessions (tests/streamlit_client.py) that join from the join link and answer one question,
spread evenly over `window` seconds (tests/class_load.py). Printed per database: answers stored and
shown, and the delay from each answer being stored (and sent) to the teacher's page showing it:
median, p95, max. The machine's load average is printed beside them: on a shared machine the delays
grow with it, so compare databases within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from browser import app_server  # noqa: E402  (also sets a fresh STATELAB_CACHE)
from class_load import run_class  # noqa: E402
from postgres import postgres_url  # noqa: E402

from statelab.classroom import Classroom  # noqa: E402
from statelab.database import open_database  # noqa: E402
from ui.class_questions import lesson_questions  # noqa: E402


def summary(name: str, delays: list[float]) -> str:
    """median / p95 / max of a list of delays in seconds."""
    values = np.array(delays)
    return (
        f"{name}: median {np.median(values):5.2f} s  p95 {np.percentile(values, 95):5.2f} s  "
        f"max {values.max():5.2f} s"
    )


def bench(database: str, learners: int, window: float, settle: float) -> None:
    """One class on a fresh server using `database`; print what the teacher's page saw."""
    url = postgres_url() if database == "postgresql" else ""
    os.environ["DATABASE_URL"] = url
    room = Classroom(open_database(url))
    with app_server() as base_url:
        time.sleep(settle)  # the training workers import TensorFlow first: let them finish
        before = os.getloadavg()[0]
        try:
            run = asyncio.run(run_class(base_url, room, lesson_questions()[0], learners, window))
        except TimeoutError as error:  # printed, not hidden: the server stopped answering
            print(f"\n{database}: {learners} learners did not finish (load average {before:.1f}): {error}")
            return
        after = os.getloadavg()[0]
    room.database.close()
    print(
        f"\n{database}: {run.learners} learners sent their answers over {run.sending_seconds:.2f} s; "
        f"stored {run.stored}, confirmed to {run.confirmed}, shown on the teacher's page {run.shown}; "
        f"load average {before:.1f} before, {after:.1f} after (2 cores)"
    )
    print("  " + summary("teacher's page after the answer was stored", run.delays_after_stored))
    print("  " + summary("teacher's page after the answer was sent  ", run.delays_after_sent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--window", type=float, default=2.0, help="seconds over which the answers are sent")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to wait after the server starts")
    arguments = parser.parse_args()
    for database in arguments.databases:
        bench(database, arguments.learners, arguments.window, arguments.settle)


if __name__ == "__main__":
    main()
