"""Watching jobs: a moment's wait for a run a worker took, sessions share a budget of refreshes, and a
failure reaches the page."""

import time

import pytest
from project import PATIENCE
from streamlit.testing.v1 import AppTest

from statelab.engine.work import demo_job
from statelab.server.jobs import JobStatus
from ui.runs import MAX_POLL, POLL_STEP, REFRESHES_PER_SECOND, poll_interval, settled_soon


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


class Pool:
    """The one call of a job pool that `settled_soon` makes, answered from a list of status lists."""

    def __init__(self, *answers: list[JobStatus]):
        self.answers, self.asked = list(answers), 0

    def statuses(self, jobs):
        self.asked += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


JOBS = [demo_job("one"), demo_job("two")]
RUNNING, DONE = JobStatus("running"), JobStatus("done")


def test_a_run_a_worker_took_is_waited_for_a_moment_so_its_results_come_in_the_same_script_run():
    pool = Pool([RUNNING, RUNNING], [RUNNING, DONE], [DONE, DONE])
    assert settled_soon(pool, JOBS, None) and pool.asked == 3


def test_a_run_queued_behind_another_learners_shows_its_place_at_once():
    pool = Pool([JobStatus("queued", position=2), RUNNING])
    assert not settled_soon(pool, JOBS, None) and pool.asked == 1


def test_a_long_run_shows_its_progress_after_the_moment():
    pool = Pool([RUNNING, RUNNING])
    assert not settled_soon(pool, JOBS, None) and pool.asked > 1


def test_a_failure_in_the_moment_goes_to_the_page():
    failed = JobStatus("failed", error="no such demo")
    seen = []
    assert settled_soon(Pool([RUNNING, RUNNING], [failed, DONE]), JOBS, seen.append)
    assert seen == [failed]
