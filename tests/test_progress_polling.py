"""Watching jobs: refreshes slow down as more sessions watch, and a failure reaches the page."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from ui.runs import MAX_POLL, POLL_STEP, WATCHERS_PER_STEP, poll_interval


@pytest.mark.parametrize(
    ("watchers", "seconds"),
    [(0, POLL_STEP), (1, POLL_STEP), (WATCHERS_PER_STEP, POLL_STEP), (WATCHERS_PER_STEP + 1, 2 * POLL_STEP)],
)
def test_a_few_watchers_refresh_twice_a_second(watchers, seconds):
    assert poll_interval(watchers) == seconds


def test_a_whole_class_refreshes_less_often_but_never_too_slowly():
    intervals = [poll_interval(watchers) for watchers in range(1, 201)]
    assert intervals == sorted(intervals)  # never faster with more watchers
    assert poll_interval(30) == MAX_POLL == poll_interval(200)
    # refreshes per second over the whole server stay bounded as a class grows
    assert 100 / poll_interval(100) <= 100 / MAX_POLL < 2 * 10 / POLL_STEP


def failing_demo_page():
    """A page that watches a job that fails (an unknown demo) and notes what it is told."""
    import streamlit as st

    from statelab.jobs import demo_job
    from ui.runs import job_pool, watch_jobs

    job = demo_job("teleport")
    job_pool().submit(job)
    if not st.session_state.setdefault("seen", []):  # watch until told of the failure
        watch_jobs([job], lambda index, status: (0.0, status.state), st.session_state["seen"].append)


def test_a_failed_job_is_handed_to_the_page_then_the_page_reruns():
    app = AppTest.from_function(failing_demo_page, default_timeout=60).run()
    deadline = time.monotonic() + 120
    while not app.session_state["seen"]:
        assert time.monotonic() < deadline, "the failure never reached the page"
        time.sleep(0.5)
        app.run()
    (status,) = app.session_state["seen"]
    assert status.state == "failed" and "Unknown demo 'teleport'" in status.error
