"""A worker process of the job pool: how one starts, what it runs, and how many of them a machine takes.

TensorFlow keeps process-global state and grows with every model built, so the web server never
imports it: a worker does, once, runs up to `max_jobs` jobs (lab runs and live demos), stores each
result in the shared result cache, and exits to be replaced (statelab.server.jobs keeps the pool).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from statelab.engine import compile_cache
from statelab.engine.config import LabConfig
from statelab.engine.work import Job
from statelab.server.result_cache import ResultCache
from statelab.server.warm_shapes import next_job, warm_up_steps

CGROUP = Path("/sys/fs/cgroup")
# Added to the workers' nice value: the web server's pages go first. STATELAB_WORKER_NICENESS changes it
# (the test suite sets 0: its own processes compete with the workers as much as pages do).
WORKER_NICENESS = 10
# TensorFlow threads per worker. The Lab's models are small: a warm default run took 0.40 s on one
# thread against 0.55 s on two (0.40 against 0.97 CPU seconds), its first run 2.56 against 3.34 s, with
# bit-identical numbers (bench/bench_threads.py); one worker per core keeps every core busy in a class.
TENSORFLOW_THREADS = 1
_MAIN_SWAP = threading.Lock()  # held while `without_main_script` has replaced __main__


def tensorflow_thread_environment() -> dict[str, str]:
    """The variables that give a process started with them TensorFlow's threads as a worker has them."""
    return {name: str(TENSORFLOW_THREADS) for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}


@contextlib.contextmanager
def without_main_script() -> Iterator[None]:
    """Start processes without the parent's __main__: a spawned child re-runs its file first, and
    under Streamlit that is the app script (app.py starts this pool: the child would start another).

    The pool starts workers from its own thread while scripts run: each script run installs its page as
    __main__. So the old __main__ comes back only if nobody replaced the stand-in meanwhile; restoring
    it regardless would undo a newer one (seen in the suite: a page an AppTest ran earlier came back as
    __main__ during a later test, and that test's spawned processes re-ran the page and failed).
    """
    with _MAIN_SWAP:  # two pools of one process (tests) take turns
        main, stand_in = sys.modules.get("__main__"), types.ModuleType("__main__")
        sys.modules["__main__"] = stand_in
        try:
            yield
        finally:
            if sys.modules.get("__main__") is stand_in:
                sys.modules["__main__"] = main


def process_runs(pid: int) -> bool:
    """Whether the process `pid` runs (a process that ended and waits to be reaped does not)."""
    if Path("/proc/self/stat").exists():
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
        except (OSError, IndexError):
            return False
    try:  # no /proc: ask the system whether the process exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cgroup_cpu_limit(root: Path = CGROUP, membership: Path = Path("/proc/self/cgroup")) -> float | None:
    """The CPU quota of this process's cgroup in cores (cgroup v2 `cpu.max`, or v1), None if unlimited."""
    relative = ""
    with contextlib.suppress(OSError):
        for line in membership.read_text().splitlines():
            if line.startswith("0::"):  # cgroup v2: "0::/path/of/the/group"
                relative = line[3:].lstrip("/")
    candidates = [
        (root / relative / "cpu.max", None),
        (root / "cpu.max", None),
        (root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"),
    ]
    for quota_file, period_file in candidates:
        with contextlib.suppress(OSError, ValueError):
            if period_file is None:
                quota, period = quota_file.read_text().split()[:2]
            else:
                quota, period = quota_file.read_text().strip(), period_file.read_text().strip()
            if quota in ("max", "-1"):
                return None
            return int(quota) / int(period)
    return None


def available_cores() -> int:
    """Cores this process may use: its CPU affinity, capped by a container's CPU quota (at least one)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    return max(1, min(cores, math.floor(limit))) if limit else cores


def _execute(job: Job, report):
    """Worker side: run a job and return its value."""
    if job.kind == "lab":
        from statelab.engine.training import run_lab

        return run_lab(LabConfig(**job.args), progress=report)
    from statelab.teaching.demos import run_demo

    return run_demo(job.args["name"], **job.args["kwargs"])


def run_worker(
    inbox,
    events,
    cache_directory: str,
    programs: str,
    salt: str,
    max_jobs: int,
    server: int,
    warm_shapes: bool = False,
) -> None:
    """Worker process: import TensorFlow once, run up to `max_jobs` jobs, then exit to be replaced.

    Each worker runs TensorFlow on one thread (`TENSORFLOW_THREADS`). Workers run at a lower priority
    (`WORKER_NICENESS`) than the web server, so pages keep answering while every core trains.
    """
    if hasattr(os, "nice"):
        os.nice(int(os.environ.get("STATELAB_WORKER_NICENESS", WORKER_NICENESS)))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, and the server stops its workers
    # 3, not 2: TensorFlow logs an error line for every program it loads from the persistent cache
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    compile_cache.enable(Path(programs))  # before TensorFlow reads XLA's flags
    import tensorflow as tf

    import statelab.engine.training  # noqa: F401  (TensorFlow loads here, before the first job)

    tf.config.threading.set_intra_op_parallelism_threads(TENSORFLOW_THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(TENSORFLOW_THREADS)

    cache = ResultCache(Path(cache_directory), salt=salt)
    pid = os.getpid()
    warming = warm_up_steps(start=pid) if warm_shapes else []  # between jobs: the form's common shapes
    if warming:
        warming.pop(0)()  # the default run's shapes before the first job: a new worker never starts cold
    events.put(("ready", pid, None, None))
    for _ in range(max_jobs):
        # a server killed outright (SIGKILL, out of memory) cannot stop its workers: they leave by themselves
        job = next_job(inbox, warming, orphaned=lambda: not process_runs(server))
        if job is None:
            return
        last = 0.0

        def report(progress, key=job.key) -> None:
            nonlocal last
            if time.monotonic() - last > 0.2 or progress.batch == progress.batches:
                events.put(("progress", pid, key, asdict(progress)))
                last = time.monotonic()

        events.put(("running", pid, job.key, None))
        try:
            cache.put(job, _execute(job, report))
            compile_cache.sync()  # the programs it compiled, for the other workers and replicas
            events.put(("done", pid, job.key, None))
        except Exception as error:  # reported to the learner in plain words, never as a trace
            events.put(("failed", pid, job.key, f"{type(error).__name__}: {error}"))
    events.put(("exit", pid, None, None))
