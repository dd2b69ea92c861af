"""Where a test run's CPU goes: each test's own CPU and its child processes' (Chromium, servers, workers).

    PYTHONPATH=tools .venv/bin/python -m pytest -p cpu_per_test [the Makefile's PARALLEL options] [tests]
    .venv/bin/python tools/cpu_per_test.py            # the summary of the last such run

As a pytest plugin, each pytest worker samples its own process tree every half second (psutil)
and adds each process's CPU seconds to the test running then, by kind of process; it writes
artifacts/cpu-per-test/WORKER.json when it ends. Processes that leave the tree (forkserver children
of a server that ended) are not counted. Run as a script, it prints the totals by kind, by file and
the 25 tests that cost most.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import psutil

OUT = Path(__file__).resolve().parents[1] / "artifacts" / "cpu-per-test"
KINDS = (  # (pattern in the command line, kind), the first that matches
    ("chrom", "chromium"),
    ("streamlit", "server"),
    ("forkserver|multiprocessing", "pool worker"),
    ("ipykernel", "notebook kernel"),
    ("postgres", "postgres"),
    ("nginx", "nginx"),
    ("node", "playwright driver"),
    ("python", "other python"),
)


def processes() -> dict[int, tuple[int, float, str]]:
    """pid -> (parent pid, CPU seconds, command line) of every running (not zombie) process."""
    found = {}
    for process in psutil.process_iter(["ppid", "cpu_times", "cmdline", "status"]):
        info = process.info
        if info["status"] != psutil.STATUS_ZOMBIE and info["cpu_times"] is not None:
            cpu = info["cpu_times"].user + info["cpu_times"].system
            found[process.pid] = (info["ppid"], cpu, " ".join(info["cmdline"] or ())[:500])
    return found


def kind_of(command: str) -> str:
    """The kind of a child process, from its command line."""
    return next((kind for pattern, kind in KINDS if re.search(pattern, command)), "other")


class Sampler:
    """CPU seconds of this process ("in-process") and its descendants, per test and kind."""

    def __init__(self) -> None:
        self.test, self.seen = "(session setup)", {}
        self.seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.lock = threading.Lock()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            self.sample()
            time.sleep(0.5)

    def sample(self) -> None:
        """Add what each process of the tree used since the last sample to the current test."""
        with self.lock:
            table = processes()
            children = defaultdict(list)
            for pid, (parent, _, _) in table.items():
                children[parent].append(pid)
            stack = [os.getpid()]
            while stack:
                pid = stack.pop()
                stack.extend(children[pid])
                if pid in table:
                    _, cpu, command = table[pid]
                    kind = "in-process" if pid == os.getpid() else kind_of(command)
                    self.seconds[self.test][kind] += cpu - self.seen.get(pid, 0.0)
                    self.seen[pid] = cpu

    def switch(self, test: str) -> None:
        self.sample()
        self.test = test


def pytest_configure(config) -> None:
    """Sample in each pytest worker (or in a run without workers), not in xdist's controller."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        config.cpu_per_test = Sampler()


def pytest_runtest_setup(item) -> None:
    if sampler := getattr(item.config, "cpu_per_test", None):
        sampler.switch(item.nodeid)


def pytest_unconfigure(config) -> None:
    if sampler := getattr(config, "cpu_per_test", None):
        sampler.switch("(session teardown)")
        OUT.mkdir(parents=True, exist_ok=True)
        name = getattr(config, "workerinput", {}).get("workerid", "main")
        (OUT / f"{name}.json").write_text(json.dumps(sampler.seconds, indent=1))


def summary(top: int = 25) -> None:
    """Print the last run's totals by kind, by file and its costliest tests."""
    seconds: dict[str, dict[str, float]] = {}
    for path in OUT.glob("*.json"):
        seconds.update(json.loads(path.read_text()))
    by_kind, by_file = defaultdict(float), defaultdict(float)
    for test, kinds in seconds.items():
        for kind, value in kinds.items():
            by_kind[kind] += value
            by_file[test.split("::")[0]] += value
    print(f"{sum(by_kind.values()):.0f} CPU s in all; by kind:")
    for name, value in sorted(by_kind.items(), key=lambda item: -item[1]):
        print(f"  {value:7.1f}  {name}")
    print("by file:")
    for name, value in sorted(by_file.items(), key=lambda item: -item[1])[:top]:
        print(f"  {value:7.1f}  {name}")
    print(f"the {top} tests that cost most:")
    costliest = sorted(seconds.items(), key=lambda item: -sum(item[1].values()))[:top]
    for test, kinds in costliest:
        parts = ", ".join(f"{kind} {value:.1f}" for kind, value in sorted(kinds.items(), key=lambda i: -i[1]))
        print(f"  {sum(kinds.values()):6.1f}  {test}  ({parts})")


if __name__ == "__main__":
    summary(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
