"""Streamlit side of the job layer: one shared worker pool, queued runs, live progress."""

from __future__ import annotations

import math
import os
import time
import uuid
from collections.abc import Callable, Sequence

import streamlit as st

from statelab.engine.config import LabConfig
from statelab.engine.results import LabResult
from statelab.engine.work import Job, Work, lab_job
from statelab.server.jobs import ACTIVE, JobPool, JobStatus


@st.cache_resource
def job_pool() -> JobPool:
    """The server's one worker pool, shared by every session, started with the first page anyone opens.

    STATELAB_WORKERS sets its size (default: the cores this process may use). app.py warms its cache
    (ui.warm_up), and its workers compile the form's common shapes between jobs (statelab.server.warm_shapes);
    STATELAB_WARM=0 turns both off, STATELAB_WARM_SHAPES=0 the shapes only (=1: the shapes even so).
    """
    warm = os.environ.get("STATELAB_WARM_SHAPES", os.environ.get("STATELAB_WARM", "1")) != "0"
    return JobPool(workers=int(os.environ.get("STATELAB_WORKERS", "0")) or None, warm_shapes=warm)


WATCHER_KEY = "watcher_id"
REFRESHES_PER_SECOND = 10.0  # progress refreshes the whole server does per second, shared by its sessions
POLL_STEP, MAX_POLL = 0.5, 10.0  # seconds between one session's refreshes: the quickest and the slowest
REARM_EVERY = 10.0  # seconds between re-arming a session's refresh at the interval of the moment
SETTLE_WAIT = 0.4  # seconds a refresh waits in the server for its works to finish before it draws
STALE_AFTER = MAX_POLL + REARM_EVERY  # seconds after its last refresh that a session no longer counts


@st.cache_resource
def watchers() -> dict[str, float]:
    """Session -> when it last refreshed a progress display; shared by every session on the server."""
    return {}


def poll_interval(n_watchers: int) -> float:
    """Seconds between progress refreshes: half a second for up to 5 sessions, slower for a class.

    The sessions share `REFRESHES_PER_SECOND` (in steps of half a second), so a class of 30 refreshes
    every 3 s and a hundred every 10 s. Every refresh is a script run in the server process; measured
    with 30 learners (bench/bench_load.py, workers at a lower priority): the server process used about
    half a core, with this budget and with 3 refreshes a second alike, and pages showed their results
    no later with this one.
    """
    wanted = math.ceil(n_watchers / REFRESHES_PER_SECOND / POLL_STEP) * POLL_STEP
    return min(MAX_POLL, max(POLL_STEP, wanted))


def session_id() -> str:
    """This session's own id on the server (it names the session among the watchers and askers)."""
    return st.session_state.setdefault(WATCHER_KEY, uuid.uuid4().hex)


def watching() -> float:
    """Note that this session is watching progress now; the interval its refreshes should use."""
    seen, now = watchers(), time.monotonic()
    seen[session_id()] = now
    for session, last in list(seen.items()):
        if now - last > STALE_AFTER:
            seen.pop(session, None)
    return poll_interval(len(seen))


def run_ahead(configs: list[LabConfig]) -> None:
    """Have a worker with nothing else to do train the settings the learner is editing, before they press
    Train (JobPool.run_ahead); STATELAB_RUN_AHEAD=0 turns it off."""
    if os.environ.get("STATELAB_RUN_AHEAD", "1") != "0":
        job_pool().run_ahead([lab_job(config) for config in configs], session_id())


def cached_results(configs: list[LabConfig]) -> list[LabResult] | None:
    """Every config's result from the shared cache, or None if one is missing."""
    results = [job_pool().cache.get(lab_job(config)) for config in configs]
    return None if any(result is None for result in results) else results


def describe(status: JobStatus, index: int, total: int) -> tuple[float, str]:
    """(fraction done, text) of one seed's job for a progress bar."""
    seed_text = f" (seed {index + 1} of {total})" if total > 1 else ""
    if status.state == "queued":
        ahead = f"{status.position} run(s) ahead of you" if status.position else "starting"
        return 0.0, f"Waiting for a free worker: {ahead}{seed_text}"
    progress = status.progress or {}
    if not progress:
        return 0.0, f"Starting TensorFlow in a worker{seed_text}"
    done_batches = (progress["epoch"] - 1) * progress["batches"] + progress["batch"]
    fraction = done_batches / (progress["epochs"] * progress["batches"])
    fraction = fraction / 2 if progress["mode"] == "stateful" else 0.5 + fraction / 2
    text = (
        f"Training the {progress['mode']} model: epoch {progress['epoch']} of {progress['epochs']}, "
        f"batch {progress['batch']} of {progress['batches']}{seed_text}"
    )
    return fraction, text


def watch_jobs(
    works: list[LabConfig | Job],
    describe_job: Callable[[int, JobStatus], tuple[float, str]],
    on_failed: Callable[[JobStatus], None] | None = None,
) -> bool:
    """Progress bars of the queued and running works, refreshed as often as `watching` says; whether
    they had all finished already (then nothing is drawn, and the caller shows their results now).

    The page reruns once none is queued or running; a failed or cancelled work first goes to
    `on_failed` when there is one (without, the page's rerun finds it).
    """
    pool = job_pool()
    if _settled([pool.status(work) for work in works], on_failed):
        return True

    def refresh() -> None:
        statuses = [pool.status(work) for work in works]
        if _settled(statuses, on_failed):
            st.rerun()
        for index, status in enumerate(statuses):
            if status.state in ACTIVE:
                fraction, text = describe_job(index, status)
                st.progress(fraction, text=text)

    refreshing(refresh, works)
    return False


def refreshing(refresh: Callable[[], None], works: Sequence[Work]) -> None:
    """Run `refresh` now and then again as often as `watching` says, in a fragment that may rerun the page.

    The refresh is a fragment inside a slower one that re-arms it, so its interval follows the number
    of watchers as it changes (a fragment's own `run_every` is fixed when it is defined). Only those
    fragments rerun the page: a rerun from the page's body would stop it before its later elements,
    and a download button drawn by an earlier run then points to a file the server has let go (a 404
    when the browser checks it or the learner presses it). Drawn with the page, the refresh shows the
    progress at once; each later one first waits up to SETTLE_WAIT for the works to finish, so a run
    that ends between two refreshes is shown then, not at the next one (bench/bench_lab_ab.py: with
    this wait, the early queueing and the cheaper figures, a warm Train answered in 1.99 s, against 2.47 s).
    """
    with_page = iter([True])  # the first call is the one drawn with the page

    def settled_refresh() -> None:
        if not next(with_page, False):
            job_pool().wait_settled(works, SETTLE_WAIT)
        refresh()

    @st.fragment(run_every=REARM_EVERY)
    def keep_pace() -> None:
        st.fragment(run_every=watching())(settled_refresh)()

    keep_pace()


def _settled(statuses: list[JobStatus], on_failed: Callable[[JobStatus], None] | None) -> bool:
    """Whether no work is queued or running any more (a failure first goes to `on_failed`)."""
    failed = [status for status in statuses if status.state in ("failed", "cancelled")]
    if failed and on_failed:
        on_failed(failed[0])
        return True
    return not any(status.state in ACTIVE for status in statuses)


def render_progress(configs: list[LabConfig], on_failed: Callable[[str], None]) -> bool:
    """Submit the configs and show their progress; the page reruns when all are done or one failed.
    Whether they had all finished already (`watch_jobs`).

    A failed (or cancelled) run first goes to `on_failed` with the reason in plain words.
    """
    pool = job_pool()
    for config in configs:
        pool.submit(config)

    def failed(status: JobStatus) -> None:
        on_failed(status.error or "The run was cancelled.")

    return watch_jobs(configs, lambda index, status: describe(status, index, len(configs)), failed)
