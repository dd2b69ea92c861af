"""Training off the server process: a bounded pool of worker processes, a queue, and a shared disk cache.

TensorFlow keeps process-global state and grows with every model built, so the web server never
imports it: workers do, and are recycled after `max_jobs_per_worker` jobs. Results are cached on
disk by the full config (runs are deterministic), so a class running one preset trains it once.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from statelab.config import LabConfig
from statelab.results import LabResult, load_result, save_result

DEFAULT_CACHE = Path(
    os.environ.get("STATELAB_CACHE", Path(__file__).resolve().parents[1] / ".statelab-cache")
)


@dataclass(frozen=True)
class JobStatus:
    """What a job is doing: state, place in the queue, progress, error message."""

    state: str  # "queued", "running", "done", "failed" or "cancelled"
    position: int = 0  # jobs ahead of this one in the queue
    progress: dict | None = None  # the last Progress of a running job, as a dict
    error: str = ""


class ResultCache:
    """LabResults on disk, one .npz per config key, oldest removed beyond `max_bytes`."""

    def __init__(self, directory: Path = DEFAULT_CACHE, max_bytes: int = 1_000_000_000):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, config: LabConfig) -> Path:
        """Where the result of a config is stored."""
        return self.directory / f"{config.key()}.npz"

    def get(self, config: LabConfig) -> LabResult | None:
        """The cached result of a config, or None."""
        path = self.path(config)
        if not path.exists():
            return None
        os.utime(path)  # recently used: pruned last
        return load_result(path)

    def put(self, result: LabResult) -> None:
        """Store a result atomically, then prune the oldest results beyond the size bound."""
        path = self.path(result.config)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        save_result(result, partial)
        partial.replace(path)
        self.prune()

    def prune(self) -> None:
        """Remove least recently used results until the cache fits in `max_bytes`."""
        files = sorted(self.directory.glob("*.npz"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        for path in files[:-1]:
            if total <= self.max_bytes:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)


def _worker(tasks, events, cache_directory: str, max_jobs: int) -> None:
    """Worker process: import TensorFlow once, run up to `max_jobs` jobs, then exit to be replaced."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from statelab.training import run_lab

    cache = ResultCache(Path(cache_directory))
    pid = os.getpid()
    events.put(("ready", pid, None, None))
    for _ in range(max_jobs):
        key, values = tasks.get()
        last = 0.0

        def report(progress, key=key) -> None:
            nonlocal last
            if time.monotonic() - last > 0.2 or progress.batch == progress.batches:
                events.put(("progress", pid, key, asdict(progress)))
                last = time.monotonic()

        events.put(("running", pid, key, None))
        try:
            cache.put(run_lab(LabConfig(**values), progress=report))
            events.put(("done", pid, key, None))
        except Exception as error:  # reported to the learner in plain words, never as a trace
            events.put(("failed", pid, key, f"{type(error).__name__}: {error}"))
    events.put(("exit", pid, None, None))


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
        self.max_jobs = max_jobs_per_worker
        self.abandon_after = abandon_after  # seconds without a watcher before a queued job is dropped
        self.context = multiprocessing.get_context("spawn")
        self.tasks = self.context.Queue()
        self.events = self.context.Queue()
        self.lock = threading.Lock()
        self.queue: list[str] = []  # keys waiting for a worker, in order
        self.configs: dict[str, dict] = {}
        self.states: dict[str, JobStatus] = {}
        self.watched: dict[str, float] = {}
        self.processes: dict[int, multiprocessing.Process] = {}
        self.busy: dict[int, str | None] = {}  # pid -> key it runs (None: idle)
        for _ in range(self.workers):
            self._start_worker()
        threading.Thread(target=self._dispatch_forever, daemon=True, name="statelab-jobs").start()

    def _start_worker(self) -> None:
        process = self.context.Process(
            target=_worker,
            args=(self.tasks, self.events, str(self.cache.directory), self.max_jobs),
            daemon=True,
        )
        process.start()
        self.processes[process.pid] = process

    def submit(self, config: LabConfig) -> str:
        """Queue a config unless it is cached, queued or running; returns its key."""
        key = config.key()
        with self.lock:
            self.watched[key] = time.monotonic()
            if key in self.states and self.states[key].state in ("queued", "running"):
                return key
            if self.cache.path(config).exists():
                self.states[key] = JobStatus("done")
                return key
            self.configs[key] = asdict(config)
            self.queue.append(key)
            self.states[key] = JobStatus("queued", position=len(self.queue) - 1)
            self._hand_out()
        return key

    def status(self, config: LabConfig) -> JobStatus:
        """Where a config's job is; asking also marks it as still wanted by someone."""
        key = config.key()
        with self.lock:
            self.watched[key] = time.monotonic()
            status = self.states.get(key)
        if status is None or (status.state == "done" and not self.cache.path(config).exists()):
            return JobStatus("done") if self.cache.path(config).exists() else JobStatus("cancelled")
        return status

    def result(self, config: LabConfig, timeout: float = 600.0) -> LabResult:
        """Wait for a config's result (at once when it is cached); raises RuntimeError if the job failed."""
        self.submit(config)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status(config)
            if status.state == "done":
                return self.cache.get(config)
            if status.state in ("failed", "cancelled"):
                raise RuntimeError(status.error or "The job was cancelled.")
            time.sleep(0.05)
        raise TimeoutError(f"No result within {timeout:.0f} s.")

    def _hand_out(self) -> None:
        """Give queued jobs to idle workers (call with the lock held)."""
        idle = [pid for pid, key in self.busy.items() if key is None]
        while idle and self.queue:
            key = self.queue.pop(0)
            pid = idle.pop()
            self.busy[pid] = key  # reserved until the worker says which job it runs
            self.tasks.put((key, self.configs.pop(key)))
        for position, key in enumerate(self.queue):
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
            self.processes.pop(pid).join()
            self._start_worker()
        self._hand_out()

    def _look_after(self) -> None:
        """Replace workers that died (failing their job) and drop queued jobs nobody watches any more."""
        with self.lock:
            for pid, process in list(self.processes.items()):
                if not process.is_alive() and process.exitcode not in (None, 0):
                    key = self.busy.pop(pid, None)
                    if key:
                        self.states[key] = JobStatus("failed", error="The worker stopped unexpectedly.")
                    self.processes.pop(pid)
                    self._start_worker()
            now = time.monotonic()
            for key in [k for k in self.queue if now - self.watched.get(k, now) > self.abandon_after]:
                self.queue.remove(key)
                self.configs.pop(key)
                self.states[key] = JobStatus("cancelled")
            self._hand_out()

    def cancel(self, config: LabConfig) -> bool:
        """Drop a queued job (a running one finishes and is cached); True if it was dropped."""
        key = config.key()
        with self.lock:
            if key not in self.queue:
                return False
            self.queue.remove(key)
            self.configs.pop(key)
            self.states[key] = JobStatus("cancelled")
            self._hand_out()
        return True
