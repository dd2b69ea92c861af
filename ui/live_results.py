"""Live results on a page: lab runs and Keras demos queued in the shared worker pool, their progress, their
values; and how lessons show them (Keras transcripts, a comparison, runs over seeds, the session's scale).

The server never imports TensorFlow: lab runs and Keras experiments run in worker processes, and their
results are cached on disk, so the second learner to open a lesson gets them at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib.metadata import version

import numpy as np
import streamlit as st

from statelab.charts import lab as charts
from statelab.engine.results import seed_stack
from statelab.engine.work import Job, Work, as_job
from statelab.server.jobs import ACTIVE, JobStatus
from statelab.teaching.lessons import Scale
from statelab.teaching.lessons.lesson import SEEDS
from ui.figures import render_figure
from ui.lab_results import render_guess_note, render_verdict
from ui.runs import describe, job_pool, refreshing

OVERRIDES_KEY = "lesson_run_overrides"  # LabConfig changes applied to every lesson run (tests shrink them)
SEEDS_KEY = "lesson_run_seeds"  # session override of SEEDS (tests use fewer)


@dataclass(frozen=True)
class Live:
    """A demo's or a check's runs as one look at the shared pool found them: their jobs and labels; where
    each job is, and their values once all are in. `asked`: the learner waits for them (else they are
    queued in the background, to be ready when asked)."""

    jobs: tuple[Job, ...]
    labels: tuple[str, ...] | None = None
    asked: bool = True
    statuses: tuple[JobStatus, ...] = ()
    values: list | None = None

    @property
    def failure(self) -> JobStatus | None:
        """The first job that failed, if one did."""
        return next((status for status in self.statuses if status.state == "failed"), None)


def look(parts: Sequence[Live]) -> list[Live]:
    """One look at these parts' jobs in the shared pool, in order: each asked part's jobs queued for the
    learner unless one failed, then its values once all are in; the others queued in the background
    (failed ones not again: a learner asks for them). Cached jobs cost nothing."""
    pool = job_pool()
    looked = []
    for part in parts:
        statuses = pool.statuses(part.jobs)
        failed = [status.state == "failed" for status in statuses]
        done = all(status.state == "done" for status in statuses)  # and stored: nothing to queue
        if not part.asked and not done:
            pool.want([job for job, fail in zip(part.jobs, failed, strict=True) if not fail], background=True)
        elif part.asked and not done and not any(failed):
            pool.want(part.jobs)  # also re-queues a job dropped from the queue while nobody watched it
        values = None
        if part.asked and done:
            values = [pool.cache.get(job) for job in part.jobs]  # None where pruned since
        stored = values is not None and all(value is not None for value in values)
        looked.append(replace(part, statuses=tuple(statuses), values=values if stored else None))
    return looked


def shown(part: Live) -> list | None:
    """An asked part's values once all are in; until then its progress, or what failed, and None.

    Jobs that finish between a look and the progress display are looked at again at once, not by
    rerunning the page (see `_watch`).
    """
    while part.values is None:
        if part.failure:
            _render_failure(part)
            return None
        settled = _watch(part)
        if settled is None:
            return None
        part = settled
    return part.values


def await_results(works: list[Work], labels: list[str] | None = None) -> list | None:
    """Every work's result once all are done (at once when cached); until then their progress and None."""
    jobs = tuple(as_job(work) for work in works)
    return shown(look([Live(jobs, tuple(labels) if labels else None)])[0])


def prefetch(works: list[Work]) -> None:
    """Queue works in the background now (cached ones cost nothing), so results are ready when a learner
    asks for them; until then they wait behind every learner's own run (asking moves them ahead)."""
    look([Live(tuple(as_job(work) for work in works), asked=False)])


def cached_or_asked(works: list[Work], key: str, label: str, note: str) -> bool:
    """Whether to show works that take minutes: all are cached, or the learner asked in this session;
    until then a button to ask (the server's warm-up queues them in the background meanwhile)."""
    if st.session_state.get(key) or all(job_pool().cache.has(as_job(work)) for work in works):
        return True
    st.button(label, key=f"{key}_button", on_click=st.session_state.__setitem__, args=(key, True))
    st.caption(note)
    return False


def _watch(part: Live) -> Live | None:
    """Progress of the part's unfinished jobs, each under its label, looked at again at every refresh;
    the page reruns once all are in or one failed. The part as looked at now if that is so already
    (then nothing is drawn), else None."""
    now = look([part])[0]
    if now.values is not None or now.failure:
        return now
    labels = part.labels or ("",) * len(part.jobs)

    def refresh() -> None:
        again = look([part])[0]
        if again.values is not None or again.failure:
            st.rerun()
        for job, label, status in zip(part.jobs, labels, again.statuses, strict=True):
            if status.state in ACTIVE:
                fraction, text = _describe(job, status)
                st.progress(fraction, text=f"{label}: {text}" if label else text)

    refreshing(refresh, part.jobs)
    return None


def _describe(job: Job, status: JobStatus) -> tuple[float, str]:
    """(fraction done, text) for one job: training progress for lab runs, a plain note for demos."""
    if job.kind == "demo" and status.state == "running":
        return 0.5, "Running the experiment on real Keras in a worker process"
    return describe(status, 0, 1)


def _render_failure(part: Live) -> None:
    """Say what went wrong in plain words, with a button to try again."""
    st.error(f"The live demo did not finish: {part.failure.error}", icon=":material/error:")

    def retry() -> None:
        job_pool().want(part.jobs)

    st.button("Try again", key=f"retry_{part.jobs[0].key}", on_click=retry, icon=":material/refresh:")


def keras_version() -> str:
    """The installed Keras version, read from package metadata (no import of Keras on the server)."""
    return version("keras")


def render_captured(call: str, outcome: dict, setup: tuple[str, ...] = ()) -> None:
    """A line of Keras code (after `setup` lines) and what this Keras did with it, as a console transcript."""
    if outcome["ok"]:
        result = "# no error" if outcome["value"] is None else repr(outcome["value"])
    else:
        result = f"{outcome['type']}: {outcome['message']}"
    lines = [f">>> {line}" for line in (*setup, call)]
    st.code("\n".join([*lines, result]), language="text", wrap_lines=True)


def captured_caption() -> None:
    """The note under live transcripts: where the text comes from."""
    st.caption(
        f":material/bolt: Captured live from Keras {keras_version()} in a worker process, not typed in: "
        "if Keras changes, this text changes with it."
    )


def render_comparison(results: list) -> None:
    """The verdict and both models' score by window position, for one lab run."""
    result = results[0]
    render_verdict(results)
    figure = charts.plot_by_window(
        result.stateful.by_window, result.stateless.by_window, result.metric, result.chance
    )
    render_figure(figure)
    render_guess_note(results)


def session_scale() -> Scale:
    """How big this session's lesson runs are: the lessons' own sizes, unless a test shrinks them."""
    return Scale(st.session_state.get(OVERRIDES_KEY) or {}, st.session_state.get(SEEDS_KEY, SEEDS))


def stacked(results: list, labels: list[str] | tuple[str, ...]) -> dict[str, dict]:
    """Results of labelled runs over seeds, by label: both models by window (seeds, windows), chance."""
    n_seeds = len(results) // len(labels)
    groups = [results[index : index + n_seeds] for index in range(0, len(results), n_seeds)]
    return {
        label: {**seed_stack(group), "chance": float(np.mean([result.chance for result in group]))}
        for label, group in zip(labels, groups, strict=True)
    }
