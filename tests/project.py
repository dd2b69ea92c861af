"""The project's root folder, and the environment every test process runs in.

Importing this module sets that environment: quiet TensorFlow; a fresh result cache for this test
run (tests never read a developer's cached runs; pytest's worker processes share the one their
controller made, as a class shares a server's cache); no cache warming (tests time their own runs;
test_jobs tests background jobs directly). conftest.py imports it for pytest (and adds what only the
suite needs); the benchmarks that reuse the browser helpers get it through browser.py.
"""

import asyncio
import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from statelab.server.worker import tensorflow_thread_environment  # reads no environment variable

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"  # screenshots and server logs of this run, for a person to look at
# Seconds a test waits for something (a run, a page, a demo) before it fails: tests wait for the event
# itself; this limit only ends a wait that would never end, so it allows for a loaded machine.
PATIENCE = 600.0
T = TypeVar("T")
RUN_CACHE = "STATELAB_TEST_RUN_CACHE"  # this run's cache folder, from pytest's controller to its workers

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow in a test process (and the scripts, kernels and servers it starts) uses one thread per
# operation, as the pool's workers do (statelab.server.worker.TENSORFLOW_THREADS): the Lab's small
# models run faster on one thread, with the same numbers bit for bit (bench/bench_threads.py).
for name, value in tensorflow_thread_environment().items():
    os.environ.setdefault(name, value)
# Whether this process started the test run: not a pytest worker, nor a pytest a test runs inside it
# (tests/test_suite_layout.py), which must leave the run's screenshots alone.
OUTERMOST = RUN_CACHE not in os.environ
if OUTERMOST:  # removed when the process that made it ends: a test run compiles some 340 MB into it
    os.environ[RUN_CACHE] = tempfile.mkdtemp(prefix="statelab-test-cache-")
    atexit.register(shutil.rmtree, os.environ[RUN_CACHE], ignore_errors=True)
os.environ["STATELAB_CACHE"] = os.environ[RUN_CACHE]
# Compiled programs: one folder for every process of the run, also for the tests whose pools and servers
# keep results in a folder of their own (a program is the same whoever compiled it).
os.environ["STATELAB_PROGRAMS"] = os.path.join(os.environ[RUN_CACHE], "programs")
os.environ["STATELAB_WARM"] = "0"


def wait_until(
    condition: Callable[[], object], timeout: float = PATIENCE, message: str = "timed out"
) -> None:
    """Wait until `condition()` is true, checking every 50 ms; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end in a thread of its own, and return its result.

    A pytest worker that ran a browser test holds Playwright's event loop for the rest of the
    session (the browser is session-wide), so `asyncio.run` on that thread would refuse to start.
    """
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
