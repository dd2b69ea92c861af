"""Watching jobs: sessions share a budget of refreshes, and a failure reaches the page."""

import time

import pytest
from project import PATIENCE
from streamlit.testing.v1 import AppTest

from ui.runs import MAX_POLL, POLL_STEP, REFRESHES_PER_SECOND, poll_interval


@pytest.mark.parametrize(
    ("watchers", "seconds"),
    [(0, POLL_STEP), (1, POLL_STEP), (5, POLL_STEP), (6, 1.0), (30, 3.0), (100, MAX_POLL)],
)
def test_a_few_sessions_refresh_twice_a_second_and_more_share_the_servers_budget(watchers, seconds):
    assert poll_interval(watchers) == seconds


def test_a_whole_class_refreshes_within_the_budget_but_never_too_slowly():
    intervals = [poll_interval(watchers) for watchers in range(1, 201)]
    assert intervals == sorted(intervals)  # never faster with more watchers
    assert min(intervals) == POLL_STEP and max(intervals) == MAX_POLL == poll_interval(200)
    # up to a hundred sessions the whole server refreshes at most REFRESHES_PER_SECOND times a second
    assert all(watchers / poll_interval(watchers) <= REFRESHES_PER_SECOND for watchers in range(1, 101))


def failing_demo_page():
    """A page that watches a job that fails (an unknown demo) and notes what it is told."""
    import streamlit as st

    from statelab.engine.work import demo_job
    from ui.runs import job_pool, watch_jobs

    job = demo_job("teleport")
    job_pool().submit(job)
    if not st.session_state.setdefault("seen", []):  # watch until told of the failure
        watch_jobs([job], lambda index, status: (0.0, status.state), st.session_state["seen"].append)


@pytest.mark.training
def test_a_failed_job_is_handed_to_the_page_then_the_page_reruns():
    app = AppTest.from_function(failing_demo_page, default_timeout=PATIENCE).run()
    deadline = time.monotonic() + PATIENCE
    while not app.session_state["seen"]:
        assert time.monotonic() < deadline, "the failure never reached the page"
        time.sleep(0.5)
        app.run()
    (status,) = app.session_state["seen"]
    assert status.state == "failed" and "Unknown demo 'teleport'" in status.error
