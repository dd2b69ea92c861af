"""What a class of open tabs costs the server while one run trains, measured side by side in one run.

    .venv/bin/python bench/bench_watchers.py [--sessions 1 10] [--epochs 30]

Starts the real app (`streamlit run`, fresh cache, two workers) and, for each session count, opens
that many Lab tabs in headless Chromium on one shared link (so one run trains and every tab
watches its progress), waits until every tab shows the verdict, and prints the CPU seconds the
Streamlit server process spent per second of waiting: the cost of the progress refreshes, which
takes cores from the workers on a small server. Each session count uses its own seed, so each
trains once. The browsers run on this machine too (in class they are the learners' own), so the
wall times here are slower than in class; the server's CPU is what to compare.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import LAPTOP, app_server, chromium  # noqa: E402  (also sets a fresh STATELAB_CACHE)
from machine import cpu_seconds  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

VERDICT_TIMEOUT = 600_000  # milliseconds


def watch_one_run(browser, url: str, server_pid: int, sessions: int, link: str) -> tuple[float, float]:
    """(seconds until every tab shows the verdict, server CPU seconds meanwhile)."""
    started, cpu = time.perf_counter(), cpu_seconds(server_pid)
    pages = [browser.new_context(viewport=LAPTOP).new_page() for _ in range(sessions)]
    for page in pages:
        page.goto(url + link)
    for page in pages:
        verdict = page.get_by_test_id("stAlertContentInfo").filter(has_text="Stateful")
        expect(verdict).to_be_visible(timeout=VERDICT_TIMEOUT)
    elapsed, spent = time.perf_counter() - started, cpu_seconds(server_pid) - cpu
    for page in pages:
        page.context.close()
    return elapsed, spent


def main() -> None:
    """Warm the workers, then time each session count and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    with app_server() as url:
        server_pid = only_child()
        with chromium() as browser:
            watch_one_run(browser, url, server_pid, 1, "/lab?epochs=1&n_groups=1&seed=99")  # workers start
            for index, sessions in enumerate(args.sessions):
                link = f"/lab?epochs={args.epochs}&seed={200 + index}"
                elapsed, spent = watch_one_run(browser, url, server_pid, sessions, link)
                print(
                    f"{sessions:>3} tab(s) watching one run: every tab had the verdict after "
                    f"{elapsed:5.1f} s; server process CPU {spent:5.1f} s = {spent / elapsed:.2f} cores"
                )


def only_child() -> int:
    """The pid of this process's one child: the app server, started before the browser."""
    pid = os.getpid()
    (child,) = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return int(child)


if __name__ == "__main__":
    main()
