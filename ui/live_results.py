"""Live results on a page: lab runs and Keras demos queued in the shared worker pool, their progress, their
values; and how lessons show them (Keras transcripts, a comparison, runs over seeds, the session's scale).

The server never imports TensorFlow: lab runs and Keras experiments run in worker processes, and their
results are cached on disk, so the second learner to open a lesson gets them at once.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import streamlit as st

from statelab.charts import lab as charts
from statelab.engine.results import seed_stack
from statelab.engine.work import Work, as_job
from statelab.server.jobs import JobStatus
from statelab.teaching.lessons import Scale
from statelab.teaching.lessons.lesson import SEEDS
from ui.figures import render_figure
from ui.lab_results import render_guess_note, render_verdict
from ui.runs import describe, job_pool, watch_jobs

OVERRIDES_KEY = "lesson_run_overrides"  # LabConfig changes applied to every lesson run (tests shrink them)
SEEDS_KEY = "lesson_run_seeds"  # session override of SEEDS (tests use fewer)


def await_results(works: list[Work], labels: list[str] | None = None) -> list | None:
    """Every work's result once all are done (at once when cached); until then their progress and None.

    Works that finish between a look at the cache and a look at their progress are read again at
    once, not by rerunning the page (see `watch_jobs`).
    """
    pool = job_pool()
    while True:
        failed = [status for status in (pool.status(work) for work in works) if status.state == "failed"]
        if failed:
            _render_failure(works, failed[0])
            return None
        for work in works:
            pool.submit(work)  # also re-queues a job dropped from the queue while nobody watched it
        values = [pool.cache.get(work) for work in works]
        if all(value is not None for value in values):
            return values
        if not _watch(works, labels or [""] * len(works)):
            return None


def prefetch(works: list[Work]) -> None:
    """Queue works in the background now (cached ones cost nothing), so results are ready when a learner
    asks for them; until then they wait behind every learner's own run (asking moves them ahead)."""
    pool = job_pool()
    for work in works:
        if pool.status(work).state != "failed":
            pool.submit(work, background=True)


def _watch(works: list[Work], labels: list[str]) -> bool:
    """Progress of the unfinished works, each under its label; the page reruns when all are done.
    Whether all had finished already (then nothing is drawn)."""

    def describe_work(index: int, status: JobStatus) -> tuple[float, str]:
        fraction, text = _describe(works[index], status)
        return fraction, f"{labels[index]}: {text}" if labels[index] else text

    return watch_jobs(works, describe_work)


def _describe(work: Work, status: JobStatus) -> tuple[float, str]:
    """(fraction done, text) for one job: training progress for lab runs, a plain note for demos."""
    if as_job(work).kind == "demo" and status.state == "running":
        return 0.5, "Running the experiment on real Keras in a worker process"
    return describe(status, 0, 1)


def _render_failure(works: list[Work], status: JobStatus) -> None:
    """Say what went wrong in plain words, with a button to try again."""
    st.error(f"The live demo did not finish: {status.error}", icon=":material/error:")

    def retry() -> None:
        for work in works:
            job_pool().submit(work)

    st.button("Try again", key=f"retry_{as_job(works[0]).key}", on_click=retry, icon=":material/refresh:")


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
