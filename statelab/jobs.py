"""Training off the server process: a bounded pool of worker processes, a queue, and a shared disk cache.

TensorFlow keeps process-global state and grows with every model built, so the web server never
imports it: workers do, and are recycled after `max_jobs_per_worker` jobs. Results are cached on
disk by the full config (runs are deterministic), so a class running one preset trains it once.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from statelab.config import LabConfig
from statelab.results import LabResult, load_result, save_result

DEFAULT_CACHE = Path(
    os.environ.get("STATELAB_CACHE", Path(__file__).resolve().parents[1] / ".statelab-cache")
)
ABANDONED_AFTER = 30.0  # seconds without a watcher before a queued job is cancelled


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
        (self.directory / "progress").mkdir(parents=True, exist_ok=True)

    def path(self, config: LabConfig) -> Path:
        """Where the result of a config is stored."""
        return self.directory / f"{config.key()}.npz"

    def progress_path(self, config: LabConfig) -> Path:
        """Where a running job reports its progress."""
        return self.directory / "progress" / f"{config.key()}.json"

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


def _worker_start() -> None:
    """Load TensorFlow once per worker, before its first job."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import statelab.training  # noqa: F401


def _train(config_values: dict, cache_directory: str) -> str:
    """Worker side: train both models of a config and store the result; returns its path."""
    from statelab.training import run_lab

    config = LabConfig(**config_values)
    cache = ResultCache(Path(cache_directory))
    progress_path = cache.progress_path(config)
    last_write = 0.0

    def report(progress) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write > 0.2 or progress.batch == progress.batches:
            progress_path.write_text(json.dumps(asdict(progress)))
            last_write = now

    progress_path.write_text("{}")
    try:
        cache.put(run_lab(config, progress=report))
    finally:
        progress_path.unlink(missing_ok=True)
    return str(cache.path(config))


class JobPool:
    """Worker processes that train configs, one job per config at a time, results in a shared cache."""

    def __init__(
        self, workers: int | None = None, max_jobs_per_worker: int = 20, cache: ResultCache | None = None
    ):
        self.cache = cache or ResultCache()
        self.workers = workers or os.cpu_count() or 1
        self.executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
            max_tasks_per_child=max_jobs_per_worker,
        )
        self.lock = threading.Lock()
        self.jobs: dict[str, Future] = {}
        self.order: list[str] = []
        self.watched: dict[str, float] = {}

    def submit(self, config: LabConfig) -> str:
        """Queue a config (unless cached or already queued); returns its key."""
        key = config.key()
        with self.lock:
            self.watched[key] = time.monotonic()
            if key in self.jobs or self.cache.path(config).exists():
                return key
            self.jobs[key] = self.executor.submit(_train, asdict(config), str(self.cache.directory))
            self.order.append(key)
        return key

    def status(self, config: LabConfig) -> JobStatus:
        """Where a config's job is; calling this also marks the job as still wanted."""
        key = config.key()
        with self.lock:
            self.watched[key] = time.monotonic()
            future = self.jobs.get(key)
            if future is None:
                return JobStatus("done") if self.cache.path(config).exists() else JobStatus("cancelled")
            if future.cancelled():
                return JobStatus("cancelled")
            if future.done():
                return self._finished(key, future)
            progress = self._progress(config)
            if progress is not None:
                return JobStatus("running", progress=progress)
            ahead = [k for k in self.order[: self.order.index(key)] if not self.jobs[k].done()]
            return JobStatus("queued", position=max(0, len(ahead) - self.workers + 1))

    def _finished(self, key: str, future: Future) -> JobStatus:
        self.jobs.pop(key)
        self.order.remove(key)
        error = future.exception()
        return JobStatus("failed", error=str(error)) if error else JobStatus("done")

    def _progress(self, config: LabConfig) -> dict | None:
        try:
            return json.loads(self.cache.progress_path(config).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def result(self, config: LabConfig, timeout: float | None = None) -> LabResult:
        """Wait for a config's result (from the cache when it is there)."""
        cached = self.cache.get(config)
        if cached is not None:
            return cached
        key = self.submit(config)
        with self.lock:
            future = self.jobs.get(key)
        if future is not None:
            future.result(timeout)
        return self.cache.get(config)

    def cancel_abandoned(self, older_than: float = ABANDONED_AFTER) -> list[str]:
        """Cancel queued jobs nobody has asked about for `older_than` seconds (their tab was closed)."""
        now = time.monotonic()
        cancelled = []
        with self.lock:
            for key in list(self.order):
                if now - self.watched.get(key, now) > older_than and self.jobs[key].cancel():
                    self.jobs.pop(key)
                    self.order.remove(key)
                    cancelled.append(key)
        return cancelled

    def shutdown(self) -> None:
        """Stop the workers (queued jobs are dropped)."""
        self.executor.shutdown(wait=False, cancel_futures=True)
