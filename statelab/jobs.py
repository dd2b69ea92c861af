"""Work off the server process: a bounded pool of worker processes, a queue, and a shared disk cache.

TensorFlow keeps process-global state and grows with every model built, so the web server never
imports it: workers do, and are recycled after `max_jobs_per_worker` jobs. Results are cached on
disk by the full config (runs are deterministic), so a class running one preset trains it once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import pickle
import queue
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from statelab.config import LabConfig
from statelab.results import load_result, save_result
from statelab.storage import cache_directory


@dataclass(frozen=True)
class JobStatus:
    """What a job is doing: state, place in the queue, progress, error message."""

    state: str  # "queued", "running", "done", "failed" or "cancelled"
    position: int = 0  # jobs ahead of this one in the queue
    progress: dict | None = None  # the last Progress of a running job, as a dict
    error: str = ""


@dataclass(frozen=True)
class Job:
    """One unit of work: a lab run (kind "lab") or a live demo (kind "demo"), stored under `key`."""

    kind: str
    args: dict
    key: str

    @property
    def filename(self) -> str:
        """Its file in the cache: .npz for lab results, .pkl for demo results."""
        return f"{self.key}.npz" if self.kind == "lab" else f"{self.key}.pkl"


def lab_job(config: LabConfig) -> Job:
    """The job that trains both models of a config."""
    return Job("lab", asdict(config), config.key())


def demo_job(name: str, **kwargs) -> Job:
    """The job that runs a named live demo (see statelab.demos) with keyword arguments."""
    text = json.dumps({"demo": name, "kwargs": kwargs}, sort_keys=True)
    return Job(
        "demo", {"name": name, "kwargs": kwargs}, "demo-" + hashlib.sha256(text.encode()).hexdigest()[:20]
    )


def as_job(work: LabConfig | Job) -> Job:
    """A Job from a LabConfig (or the Job itself)."""
    return lab_job(work) if isinstance(work, LabConfig) else work


class ResultCache:
    """Results on disk, one file per job key, least recently used removed beyond `max_bytes`."""

    def __init__(self, directory: Path | None = None, max_bytes: int = 1_000_000_000):
        self.directory = Path(directory or cache_directory())
        self.max_bytes = max_bytes
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, work: LabConfig | Job) -> Path:
        """Where the result of a config (or job) is stored."""
        return self.directory / as_job(work).filename

    def get(self, work: LabConfig | Job):
        """The cached result (a LabResult, or a demo's value), or None."""
        job = as_job(work)
        path = self.path(job)
        if not path.exists():
            return None
        os.utime(path)  # recently used: pruned last
        if job.kind == "lab":
            return load_result(path)
        with open(path, "rb") as handle:
            return pickle.load(handle)

    def put(self, job: Job, value) -> None:
        """Store a result atomically, then prune the oldest results beyond the size bound."""
        path = self.path(job)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        if job.kind == "lab":
            save_result(value, partial)
        else:
            with open(partial, "wb") as handle:
                pickle.dump(value, handle)
        partial.replace(path)
        self.prune()

    def prune(self) -> None:
        """Remove least recently used results until the cache fits in `max_bytes`."""
        files = sorted(
            [*self.directory.glob("*.npz"), *self.directory.glob("*.pkl")], key=lambda p: p.stat().st_mtime
        )
        total = sum(p.stat().st_size for p in files)
        for path in files[:-1]:
            if total <= self.max_bytes:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)


def _execute(job: Job, report):
    """Worker side: run a job and return its value."""
    if job.kind == "lab":
        from statelab.training import run_lab

        return run_lab(LabConfig(**job.args), progress=report)
    from statelab.demos import run_demo

    return run_demo(job.args["name"], **job.args["kwargs"])


def _worker(inbox, events, cache_directory: str, max_jobs: int, threads: int) -> None:
    """Worker process: import TensorFlow once, run up to `max_jobs` jobs, then exit to be replaced.

    Each worker gets its share of the cores (`threads`): workers that each spread over every core
    slow each other down when a class keeps them all busy.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    import statelab.training  # noqa: F401  (TensorFlow loads here, before the first job)

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)

    cache = ResultCache(Path(cache_directory))
    pid = os.getpid()
    events.put(("ready", pid, None, None))
    for _ in range(max_jobs):
        job = inbox.get()
        last = 0.0

        def report(progress, key=job.key) -> None:
            nonlocal last
            if time.monotonic() - last > 0.2 or progress.batch == progress.batches:
                events.put(("progress", pid, key, asdict(progress)))
                last = time.monotonic()

        events.put(("running", pid, job.key, None))
        try:
            cache.put(job, _execute(job, report))
            events.put(("done", pid, job.key, None))
        except Exception as error:  # reported to the learner in plain words, never as a trace
            events.put(("failed", pid, job.key, f"{type(error).__name__}: {error}"))
    events.put(("exit", pid, None, None))


@contextlib.contextmanager
def _without_main_script() -> Iterator[None]:
    """Start processes without the parent's __main__: a spawned child re-runs its file first, and
    under Streamlit that is the app script (app.py starts this pool: the child would start another)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class JobPool:
    """Worker processes that train configs, a visible queue, and results in a shared disk cache.

    The parent hands a job to a worker only when one is idle, so queued jobs can be cancelled and
    their queue positions are exact. Workers are daemons: they never keep the server from exiting.
    """

    def __init__(
        self,
        workers: int | None = None,
        max_jobs_per_worker: int = 20,
        cache: ResultCache | None = None,
        abandon_after: float = 30.0,
    ):
        self.cache = cache or ResultCache()
        self.workers = workers or os.cpu_count() or 1
        self.threads = max(1, (os.cpu_count() or 1) // self.workers)  # TensorFlow threads per worker
        self.max_jobs = max_jobs_per_worker
        self.abandon_after = abandon_after  # seconds without a watcher before a queued job is dropped
        self.context = multiprocessing.get_context("spawn")
        self.events = self.context.Queue()
        self.lock = threading.Lock()
        self.queue: list[str] = []  # keys waiting for a worker, in order
        self.background: list[str] = []  # keys to run when the queue is empty (cache warming)
        self.waiting: dict[str, Job] = {}
        self.states: dict[str, JobStatus] = {}
        self.watched: dict[str, float] = {}
        self.processes: dict[int, multiprocessing.Process] = {}
        self.inboxes: dict[int, multiprocessing.Queue] = {}
        self.handed: dict[int, int] = {}  # pid -> jobs handed to it so far
        self.busy: dict[int, str | None] = {}  # pid -> key it runs (None: idle)
        for _ in range(self.workers):
            self._start_worker()
        threading.Thread(target=self._dispatch_forever, daemon=True, name="statelab-jobs").start()

    def _start_worker(self) -> None:
        inbox = self.context.Queue()  # this worker's own: a job goes to the very worker reserved for it
        process = self.context.Process(
            target=_worker,
            args=(inbox, self.events, str(self.cache.directory), self.max_jobs, self.threads),
            daemon=True,
        )
        with _without_main_script():
            process.start()
        self.processes[process.pid] = process
        self.inboxes[process.pid] = inbox
        self.handed[process.pid] = 0

    def submit(self, work: LabConfig | Job, background: bool = False) -> str:
        """Queue a config or job unless it is cached, queued or running; returns its key.

        Background jobs (warming the cache) run only when no learner's job waits, and are never
        dropped for want of a watcher; a learner asking for one moves it to the learners' queue.
        """
        job = as_job(work)
        with self.lock:
            if not background:
                self.watched[job.key] = time.monotonic()
            if job.key in self.background and not background:
                self.background.remove(job.key)
                self.queue.append(job.key)
                self._hand_out()
            if job.key in self.states and self.states[job.key].state in ("queued", "running"):
                return job.key
            if self.cache.path(job).exists():
                self.states[job.key] = JobStatus("done")
                return job.key
            self.waiting[job.key] = job
            self.states[job.key] = JobStatus("queued")  # _hand_out sets its position
            (self.background if background else self.queue).append(job.key)
            self._hand_out()
        return job.key

    def status(self, work: LabConfig | Job) -> JobStatus:
        """Where a job is; asking also marks it as still wanted by someone."""
        job = as_job(work)
        with self.lock:
            self.watched[job.key] = time.monotonic()
            status = self.states.get(job.key)
        stored = self.cache.path(job).exists()
        if status is None or (status.state == "done" and not stored):
            return JobStatus("done") if stored else JobStatus("cancelled")
        return status

    def result(self, work: LabConfig | Job, timeout: float = 600.0):
        """Wait for a job's result (at once when it is cached); raises RuntimeError if the job failed."""
        self.submit(work)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status(work)
            if status.state == "done":
                return self.cache.get(work)
            if status.state in ("failed", "cancelled"):
                raise RuntimeError(status.error or "The job was cancelled.")
            time.sleep(0.05)
        raise TimeoutError(f"No result within {timeout:.0f} s.")

    def _hand_out(self) -> None:
        """Give queued jobs to idle workers (call with the lock held)."""
        # A worker that has been handed its last job exits after it; it never gets another.
        idle = [pid for pid, key in self.busy.items() if key is None and self.handed[pid] < self.max_jobs]
        while idle and (self.queue or self.background):
            key = (self.queue or self.background).pop(0)
            pid = idle.pop()
            self.busy[pid] = key  # reserved until the worker says which job it runs
            self.handed[pid] += 1
            self.inboxes[pid].put(self.waiting.pop(key))
        for position, key in enumerate(self.queue + self.background):
            self.states[key] = JobStatus("queued", position=position)

    def _dispatch_forever(self) -> None:
        looked = time.monotonic()
        while True:
            try:
                kind, pid, key, payload = self.events.get(timeout=0.5)
                with self.lock:
                    self._on_event(kind, pid, key, payload)
            except queue.Empty:
                pass
            if time.monotonic() - looked > 0.5:
                self._look_after()
                looked = time.monotonic()

    def _on_event(self, kind: str, pid: int, key: str | None, payload) -> None:
        if kind == "ready":
            self.busy[pid] = None
        elif kind == "running":
            self.busy[pid] = key
            self.states[key] = JobStatus("running")
        elif kind == "progress":
            self.states[key] = JobStatus("running", progress=payload)
        elif kind in ("done", "failed"):
            self.states[key] = JobStatus(kind, error=payload or "")
            self.busy[pid] = None
        elif kind == "exit":
            self.busy.pop(pid, None)
            self._replace_worker(pid)
        self._hand_out()

    def _look_after(self) -> None:
        """Replace workers that died (failing their job) and drop queued jobs nobody watches any more."""
        with self.lock:
            for pid, process in list(self.processes.items()):
                if not process.is_alive() and process.exitcode not in (None, 0):
                    key = self.busy.pop(pid, None)
                    if key:
                        self.states[key] = JobStatus("failed", error="The worker stopped unexpectedly.")
                    self._replace_worker(pid)
            now = time.monotonic()
            for key in [k for k in self.queue if now - self.watched.get(k, now) > self.abandon_after]:
                self._drop(key)
            self._hand_out()

    def _replace_worker(self, pid: int) -> None:
        """Start a new worker in place of one that has exited."""
        self.processes.pop(pid).join()
        self.inboxes.pop(pid).close()
        self.handed.pop(pid)
        self._start_worker()

    def _drop(self, key: str) -> None:
        self.queue.remove(key)
        self.waiting.pop(key)
        self.states[key] = JobStatus("cancelled")

    def cancel(self, work: LabConfig | Job) -> bool:
        """Drop a queued job (a running one finishes and is cached); True if it was dropped."""
        key = as_job(work).key
        with self.lock:
            if key not in self.queue:
                return False
            self._drop(key)
            self._hand_out()
        return True
