"""Work off the server process: a bounded pool of worker processes and a visible queue.

TensorFlow keeps process-global state and grows with every model built, so the web server never
imports it: workers do (statelab.server.worker), and are recycled after `max_jobs_per_worker` jobs. Results go
to the shared result cache (statelab.server.result_cache), so a class running one preset trains it once.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from statelab.engine.compile_cache import programs_folder
from statelab.engine.work import Job, Work, as_job
from statelab.server.result_cache import ResultCache
from statelab.server.worker import available_cores, run_worker, without_main_script

ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class JobStatus:
    """What a job is doing: state, place in the queue, progress, error message."""

    state: str  # "queued", "running", "done", "failed" or "cancelled"
    position: int = 0  # jobs ahead of this one in the queue
    progress: dict | None = None  # the last Progress of a running job, as a dict
    error: str = ""


def _duration(seconds: float) -> str:
    """A duration in plain words: "45 s" or "5 minutes"."""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} minutes"


WORKER_IMPORTS = "statelab.server.worker_imports"


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked from the pool's forkserver, which imported TensorFlow and the engine once
    (a new or recycled worker is ready in a fraction of a second instead of importing them for seconds),
    or spawned where the platform has no forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_IMPORTS])
    return context


class JobPool:
    """Worker processes that train configs, a visible queue, and results in a shared disk cache.

    The parent hands a job to a worker only when one is idle, so queued jobs can be cancelled and
    their queue positions are exact. Learners' jobs go first, then background jobs (cache warming),
    then jobs run ahead (`run_ahead`: the settings a learner is editing, before they press Train). A
    job running longer than `job_timeout` seconds is stopped with its worker. What the pool remembers
    about finished jobs is forgotten after `forget_after` seconds (their results stay in the cache).
    Workers are daemons: they never keep the server from exiting; `close()` stops them at once, and runs
    when the process exits (so a stopping server does not replace the workers a Ctrl-C or a stop signal
    to its process group ended). A server killed outright cannot stop them: a worker whose server is gone
    exits when it has no job left to run.
    """

    def __init__(
        self,
        workers: int | None = None,
        max_jobs_per_worker: int = 20,
        cache: ResultCache | None = None,
        abandon_after: float = 30.0,
        job_timeout: float = 300.0,
        forget_after: float = 600.0,
        warm_shapes: bool = False,
    ):
        self.cache = cache or ResultCache()
        self.workers = workers or available_cores()
        self.max_jobs = max_jobs_per_worker
        self.abandon_after = abandon_after  # seconds without a watcher before a queued job is dropped
        self.job_timeout = job_timeout
        self.forget_after = forget_after
        self.warm_shapes = warm_shapes  # workers compile the form's common shapes while they have no job
        self.context = worker_context()
        self.events = self.context.Queue()
        self.lock = threading.Lock()
        self.settled = threading.Condition(self.lock)  # notified whenever a job stops being queued or run
        self.closed = False
        self.queue: list[str] = []  # keys waiting for a worker, in order
        self.background: list[str] = []  # keys to run when the queue is empty (cache warming)
        self.ahead: dict[str, list[Job]] = {}  # asker -> jobs to run ahead for it, oldest asker first
        self.asked_ahead: dict[str, float] = {}  # asker -> when it last asked to run jobs ahead
        self.waiting: dict[str, Job] = {}
        self.states: dict[str, JobStatus] = {}
        self.finished: dict[str, float] = {}  # key -> when it reached done, failed or cancelled
        self.watched: dict[str, float] = {}
        self.processes: dict[int, multiprocessing.Process] = {}
        self.inboxes: dict[int, multiprocessing.Queue] = {}
        self.handed: dict[int, int] = {}  # pid -> jobs handed to it so far
        self.busy: dict[int, str | None] = {}  # pid -> key it runs (None: idle)
        self.started: dict[int, float] = {}  # pid -> when its current job started running
        self.retired: list[multiprocessing.Process] = []  # exiting workers, reaped once they are gone
        for _ in range(self.workers):
            self._start_worker()
        self.dispatcher = threading.Thread(target=self._dispatch_forever, daemon=True, name="statelab-jobs")
        self.dispatcher.start()
        atexit.register(self.close)

    def __enter__(self) -> JobPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _start_worker(self) -> None:
        inbox = self.context.Queue()  # this worker's own: a job goes to the very worker reserved for it
        process = self.context.Process(
            target=run_worker,
            args=(
                inbox,
                self.events,
                str(self.cache.directory),
                str(programs_folder(self.cache.directory)),
                self.cache.salt,
                self.max_jobs,
                os.getpid(),  # a forked worker's parent is the forkserver: it watches this process instead
                self.warm_shapes,
            ),
            daemon=True,
        )
        with without_main_script():
            process.start()
        self.processes[process.pid] = process
        self.inboxes[process.pid] = inbox
        self.handed[process.pid] = 0

    def submit(self, work: Work, background: bool = False) -> str:
        """Queue a config or job unless it is cached, queued or running (`want`); returns its key."""
        job = as_job(work)
        self.want([job], background)
        return job.key

    def want(self, jobs: Sequence[Job], background: bool = False) -> None:
        """Queue each job unless it is cached, queued or running (a failed one is queued again).

        Background jobs (warming the cache) run only when no learner's job waits, and are never
        dropped for want of a watcher; a learner asking for one moves it to the learners' queue.
        """
        with self.lock:
            if self.closed:
                raise RuntimeError("The job pool is closed.")
            for job in jobs:
                self._want(job, background)

    def run_ahead(self, works: Sequence[Work], asker: str) -> None:
        """Run the works a learner (`asker`) is likely to ask for next, such as the settings they are
        editing, with workers that have nothing else to do: no learner's job and no background job waits
        for them, and one worker stays free for whoever presses Train next. Each asker has one set of
        works waiting; a newer one replaces it. If the learner then asks for one, they get the run on
        its way or done, so a new shape's compiling is behind them (bench/bench_lab_answer.py). Works still
        waiting `abandon_after` seconds after their asker last asked are dropped (the page was left)."""
        with self.lock:
            if self.closed:
                return
            self.ahead.pop(asker, None)
            jobs = [job for job in map(as_job, works) if not self.cache.has(job)]
            if jobs:
                self.ahead[asker], self.asked_ahead[asker] = jobs, time.monotonic()
                self._hand_out()

    def _want(self, job: Job, background: bool) -> None:
        """Queue one job as `want` says (call with the lock held)."""
        if not background:
            self.watched[job.key] = time.monotonic()
        if job.key in self.background and not background:
            self.background.remove(job.key)
            self.queue.append(job.key)
            self._hand_out()
        if self._active(job.key):
            return
        if self.cache.has(job):
            self._set(job.key, JobStatus("done"))
            return
        self.waiting[job.key] = job
        self.states[job.key] = JobStatus("queued")  # _hand_out sets its position
        (self.background if background else self.queue).append(job.key)
        self._hand_out()

    def _active(self, key: str) -> bool:
        """Whether a job is queued or running (call with the lock held)."""
        return key in self.states and self.states[key].state in ACTIVE

    def status(self, work: Work) -> JobStatus:
        """Where a config or job is (`statuses`)."""
        return self.statuses([as_job(work)])[0]

    def statuses(self, jobs: Sequence[Job]) -> list[JobStatus]:
        """Where each job is; asking also marks them as still wanted by someone."""
        with self.lock:
            now = time.monotonic()
            for job in jobs:
                self.watched[job.key] = now
            known = [self.states.get(job.key) for job in jobs]
        return [self._stored_or(job, status) for job, status in zip(jobs, known, strict=True)]

    def _stored_or(self, job: Job, status: JobStatus | None) -> JobStatus:
        """A job's status as the pool knows it, or as the cache says when the pool knows nothing (more)."""
        stored = self.cache.has(job)
        if status is None or (status.state == "done" and not stored):
            return JobStatus("done") if stored else JobStatus("cancelled")
        return status

    def result(self, work: Work, timeout: float = 600.0):
        """Wait for a job's result (at once when it is cached); raises RuntimeError if the job failed.

        This blocks: for scripts, benches and tests. Pages show progress with `statuses` instead.
        """
        job = as_job(work)
        self.want([job])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            [status] = self.statuses([job])
            if status.state == "done":
                value = self.cache.get(job)
                if value is not None:
                    return value
                self.want([job])  # pruned or unreadable since: train it again
                time.sleep(0.05)  # (a file another process is replacing reads again in a moment)
            elif status.state in ("failed", "cancelled"):
                raise RuntimeError(status.error or "The job was cancelled.")
            else:  # until it settles; asked again at least every half second, so it is never abandoned
                self.wait_settled([job], min(0.5, max(0.0, deadline - time.monotonic())))
        raise TimeoutError(f"No result within {timeout:.0f} s.")

    def wait_settled(self, works: Sequence[Work], timeout: float) -> bool:
        """Wait up to `timeout` seconds until none of the works is queued or running; whether none is.

        Pages call it in their progress refreshes, so a run that ends between two refreshes is shown at
        once rather than at the next one.
        """
        keys = [as_job(work).key for work in works]

        def none_active() -> bool:
            return not any(map(self._active, keys))

        with self.settled:
            return self.settled.wait_for(none_active, timeout)

    def _set(self, key: str, status: JobStatus) -> None:
        """Record a job's status (call with the lock held); finished ones are forgotten later."""
        self.states[key] = status
        if status.state in ACTIVE:
            self.finished.pop(key, None)
        else:
            self.finished[key] = time.monotonic()
            self.settled.notify_all()

    def _hand_out(self) -> None:
        """Give queued jobs to idle workers (call with the lock held)."""
        # A worker that has been handed its last job exits after it; it never gets another.
        idle = [pid for pid, key in self.busy.items() if key is None and self.handed[pid] < self.max_jobs]
        while idle and (self.queue or self.background):
            key = (self.queue or self.background).pop(0)
            self._give(idle.pop(), self.waiting.pop(key))
        for position, key in enumerate(self.queue + self.background):
            self.states[key] = JobStatus("queued", position=position)
        self._hand_out_ahead(idle)

    def _give(self, pid: int, job: Job) -> None:
        """Hand a job to an idle worker (call with the lock held)."""
        self.busy[pid] = job.key  # reserved until the worker says which job it runs
        self.handed[pid] += 1
        self.inboxes[pid].put(job)

    def _hand_out_ahead(self, idle: list[int]) -> None:
        """Give jobs run ahead to the idle workers but one, kept for whoever presses Train next (a pool
        of one worker runs nothing ahead), the asker who waited longest first (call with the lock held)."""
        while len(idle) > 1 and self.ahead:
            asker = next(iter(self.ahead))
            job = self.ahead[asker].pop(0)
            if not self.ahead[asker]:
                del self.ahead[asker]
            if self.cache.has(job) or self._active(job.key):
                continue  # done, or on its way for someone already
            self._set(job.key, JobStatus("queued"))
            self._give(idle.pop(), job)

    def _dispatch_forever(self) -> None:
        looked = time.monotonic()
        while not self.closed:
            try:
                kind, pid, key, payload = self.events.get(timeout=0.5)
                with self.lock:
                    if not self.closed:
                        self._on_event(kind, pid, key, payload)
            except queue.Empty:
                pass
            except (OSError, ValueError, EOFError):  # the queue was closed by close()
                return
            if time.monotonic() - looked > 0.5:
                self._look_after()
                looked = time.monotonic()

    def _on_event(self, kind: str, pid: int, key: str | None, payload) -> None:
        if pid not in self.processes:  # a worker stopped by the pool: what it said last no longer counts
            return
        if kind == "ready":
            self.busy[pid] = None
        elif kind == "running":
            self.busy[pid] = key
            self.started[pid] = time.monotonic()
            self._set(key, JobStatus("running"))
        elif kind == "progress":
            self._set(key, JobStatus("running", progress=payload))
        elif kind in ("done", "failed"):
            self._set(key, JobStatus(kind, error=payload or ""))
            self.busy[pid] = None
            self.started.pop(pid, None)
        elif kind == "exit":
            self.busy.pop(pid, None)
            self._replace_worker(pid)
        self._hand_out()

    def _look_after(self) -> None:
        """Stop jobs past their time, replace workers that died (failing their job), drop queued jobs
        nobody watches any more and jobs to run ahead nobody asked for lately, and forget what is long
        finished."""
        with self.lock:
            if self.closed:
                return
            now = time.monotonic()
            for pid, began in list(self.started.items()):
                if now - began > self.job_timeout:
                    self._stop_worker(
                        pid, f"The run took longer than {_duration(self.job_timeout)} and was stopped."
                    )
            for pid, process in list(self.processes.items()):
                if not process.is_alive() and process.exitcode not in (None, 0):
                    self._stop_worker(pid, "The worker stopped unexpectedly.")
            for key in [k for k in self.queue if now - self.watched.get(k, now) > self.abandon_after]:
                self._drop(key)
            for asker, asked in list(self.asked_ahead.items()):  # its page stopped asking: closed, or trained
                if asker not in self.ahead or now - asked > self.abandon_after:
                    self.ahead.pop(asker, None)
                    del self.asked_ahead[asker]
            self._forget(now)
            self.retired = [process for process in self.retired if process.is_alive()]  # reaps the exited
            self._hand_out()

    def _stop_worker(self, pid: int, reason: str) -> None:
        """Kill a worker (if it still runs), fail the job it had, and start another in its place."""
        self.processes[pid].kill()
        self.started.pop(pid, None)
        key = self.busy.pop(pid, None)
        if key:
            self._set(key, JobStatus("failed", error=reason))
        self._replace_worker(pid)

    def _forget(self, now: float) -> None:
        """Drop what the pool remembers about jobs finished, and watches made, over `forget_after` ago."""
        for key, when in list(self.finished.items()):
            if now - when > self.forget_after:
                self.finished.pop(key)
                self.states.pop(key, None)
        for key, when in list(self.watched.items()):
            if now - when > self.forget_after and not self._active(key):
                self.watched.pop(key)

    def _replace_worker(self, pid: int) -> None:
        """Start a new worker in place of one that exits (never waiting for it: the lock is held)."""
        self.retired.append(self.processes.pop(pid))
        self.inboxes.pop(pid).close()
        self.handed.pop(pid)
        if not self.closed:
            self._start_worker()

    def _drop(self, key: str) -> None:
        self.queue.remove(key)
        self.waiting.pop(key)
        self._set(key, JobStatus("cancelled"))

    def cancel(self, work: Work) -> bool:
        """Drop a queued job (a running one finishes and is cached); True if it was dropped."""
        key = as_job(work).key
        with self.lock:
            if key not in self.queue:
                return False
            self._drop(key)
            self._hand_out()
        return True

    def close(self) -> None:
        """Stop the workers (a running job is lost, its partial file removed later) and the dispatcher."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            processes = [*self.processes.values(), *self.retired]
        atexit.unregister(self.close)
        for process in processes:
            process.kill()
        for process in processes:
            process.join(timeout=10)
        self.dispatcher.join(timeout=5)
        for channel in [self.events, *self.inboxes.values()]:
            channel.cancel_join_thread()
            channel.close()
