"""Class mode under a class's load: what one server holds, and how fast the teacher's page follows.

    .venv/bin/python bench/bench_class_mode.py [--learners 30 100] [--window 2] [--watch 30]
        [--databases sqlite postgresql]

For each database and class size, a fresh real `streamlit run` server (two training workers, as in
the tests), the teacher's page as a session refreshing its chart as a browser does (every second),
and N learners as real sessions (tests/streamlit_client.py) that join from the join link, watch the
open question for `watch` seconds (their pages refreshing as in a classroom), then answer, spread
evenly over `window` seconds (tests/class_load.py). Printed per class: answers stored, confirmed and
shown; the web server process's CPU (in cores, from /proc: Linux only) while the class joins, while
it watches and while it answers; and the delay from each answer being stored (and sent) to the
teacher's page showing it: median, p95, max. The machine's load average is printed beside them: on
a shared machine the delays grow with it, so compare within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from browser import app_server  # noqa: E402  (also sets a fresh STATELAB_CACHE)
from class_load import run_class  # noqa: E402
from machine import cpu_seconds  # noqa: E402
from postgres import postgres_url  # noqa: E402

from statelab.server.classroom import Classroom  # noqa: E402
from statelab.server.database import open_database  # noqa: E402
from ui.class_questions import lesson_questions  # noqa: E402


def server_pid(base_url: str) -> int:
    """The process id of the `streamlit run` serving base_url (its workers are other processes)."""
    port = str(urlsplit(base_url).port)
    for process in psutil.process_iter(["cmdline"]):
        arguments = process.info["cmdline"] or []
        if "streamlit" in arguments and port in arguments:
            return process.pid
    raise RuntimeError(f"no streamlit process serves {base_url}")


class Phases:
    """The server's CPU use per phase of a class: cores = CPU seconds / wall seconds."""

    def __init__(self, pid: int):
        self.pid, self.cores = pid, {}
        self.last = (time.monotonic(), cpu_seconds(pid))

    def __call__(self, name: str) -> None:
        now = (time.monotonic(), cpu_seconds(self.pid))
        wall, cpu = now[0] - self.last[0], now[1] - self.last[1]
        self.cores[name] = (cpu / wall, wall)
        self.last = now

    def text(self) -> str:
        """e.g. "joined 0.45 cores over 30 s, ..."."""
        parts = [f"{name} {cores:.2f} cores over {wall:.0f} s" for name, (cores, wall) in self.cores.items()]
        return ", ".join(parts)


def summary(name: str, delays: list[float]) -> str:
    """median / p95 / max of a list of delays in seconds."""
    values = np.array(delays)
    return (
        f"{name}: median {np.median(values):5.2f} s  p95 {np.percentile(values, 95):5.2f} s  "
        f"max {values.max():5.2f} s"
    )


def bench(database: str, learners: int, window: float, watch: float, settle: float) -> None:
    """One class on a fresh server using `database`; print what the server spent and the teacher saw."""
    url = postgres_url() if database == "postgresql" else ""
    os.environ["DATABASE_URL"] = url
    room = Classroom(open_database(url))
    with app_server() as base_url:
        time.sleep(settle)  # the training workers import TensorFlow first: let them finish
        before, phases = os.getloadavg()[0], Phases(server_pid(base_url))
        question = lesson_questions()[0]
        try:
            run = asyncio.run(run_class(base_url, room, question, learners, window, watch, phases))
        except TimeoutError as error:  # printed, not hidden: the server stopped answering
            print(f"\n{database}, {learners} learners: did not finish (load average {before:.1f}): {error}")
            return
        after = os.getloadavg()[0]
    room.database.close()
    print(
        f"\n{database}, {run.learners} learners: answers sent over {run.sending_seconds:.2f} s; "
        f"stored {run.stored}, confirmed to {run.confirmed}, shown on the teacher's page {run.shown}; "
        f"load average {before:.1f} before, {after:.1f} after (2 cores)"
    )
    print(f"  web server process: {phases.text()}")
    print("  " + summary("teacher's page after the answer was stored", run.delays_after_stored))
    print("  " + summary("teacher's page after the answer was sent  ", run.delays_after_sent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[30, 100], help="class sizes to run")
    parser.add_argument("--window", type=float, default=2.0, help="seconds over which the answers are sent")
    parser.add_argument("--watch", type=float, default=30.0, help="seconds of watching before answers")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to wait after the server starts")
    arguments = parser.parse_args()
    for learners in arguments.learners:
        for database in arguments.databases:
            bench(database, learners, arguments.window, arguments.watch, arguments.settle)


if __name__ == "__main__":
    main()
