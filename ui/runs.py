"""Streamlit side of the job layer: one shared worker pool, queued runs, live progress."""

from __future__ import annotations

import os
from dataclasses import replace

import streamlit as st

from statelab.config import LabConfig
from statelab.jobs import JobPool, JobStatus
from statelab.results import LabResult


@st.cache_resource
def job_pool() -> JobPool:
    """The server's one worker pool, shared by every session (STATELAB_WORKERS sets its size)."""
    workers = int(os.environ.get("STATELAB_WORKERS", "0")) or None
    return JobPool(workers=workers)


def seed_configs(config: LabConfig, n_seeds: int) -> list[LabConfig]:
    """The config once per seed: seed, seed + 1, ..."""
    return [replace(config, seed=config.seed + offset) for offset in range(n_seeds)]


def cached_results(configs: list[LabConfig]) -> list[LabResult] | None:
    """Every config's result from the shared cache, or None if one is missing."""
    results = [job_pool().cache.get(config) for config in configs]
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


def render_progress(configs: list[LabConfig]) -> None:
    """Submit the configs, show their progress every half second, rerun the page when all are done."""
    pool = job_pool()
    for config in configs:
        pool.submit(config)

    @st.fragment(run_every=0.5)
    def watch() -> None:
        statuses = [pool.status(config) for config in configs]
        failed = [status for status in statuses if status.state in ("failed", "cancelled")]
        if failed:
            st.session_state["run_error"] = failed[0].error or "The run was cancelled."
            st.session_state.pop("pending", None)
            st.rerun()
        if all(status.state == "done" for status in statuses):
            st.rerun()
        for index, status in enumerate(statuses):
            if status.state != "done":
                fraction, text = describe(status, index, len(configs))
                st.progress(fraction, text=text)

    watch()
