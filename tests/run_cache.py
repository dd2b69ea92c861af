"""Runs and demos shared by the tests of a run through its result cache (tests/project.py names it).

A test that needs a lab run or a live demo asks here: it is computed once, in whichever process asks
first, and stored under the key the app's pages look it up by. pytest's other workers and the test
servers then find it done: the lesson pages the browser tests open show the lessons' demos and runs
without training them again (the claims and the Keras facts are handed out first for that reason, see
conftest.py).
"""

import inspect
from collections.abc import Callable
from functools import cache

from statelab import LabConfig, LabResult, run_lab
from statelab.engine.work import Job, demo_job, lab_job
from statelab.server.result_cache import ResultCache
from statelab.teaching.demos import DEMOS, run_demo
from statelab.teaching.lessons import Scale, all_lessons


def shared(job: Job, compute: Callable[[], object]) -> object:
    """A job's value from this test run's cache, or computed and stored there."""
    stored = ResultCache()
    value = stored.get(job)
    if value is None:
        value = compute()
        stored.put(job, value)
    return value


@cache
def lab(config: LabConfig) -> LabResult:
    """One run of a config (the job a page queues for it), shared by every test that needs it."""
    return shared(lab_job(config), lambda: run_lab(config))


@cache
def demo(name: str, **kwargs) -> object:
    """A live demo's value for these arguments, under the key of the job a lesson page queues for the same
    arguments (a lesson may spell out a default: `demo_job("fit_orders", batch_size=4, n_batches=3)`)."""
    asked = arguments({"name": name, "kwargs": kwargs})
    job = next((job for job in lesson_demo_jobs() if arguments(job.args) == asked), demo_job(name, **kwargs))
    return shared(job, lambda: run_demo(name, **kwargs))


@cache
def lesson_demo_jobs() -> tuple[Job, ...]:
    """Every live demo's job that the lesson pages queue at a learner's scale."""
    return tuple(job for lesson in all_lessons() for job in lesson.works(Scale()) if job.kind == "demo")


def arguments(args: dict) -> dict:
    """A demo job's arguments with the demo's defaults filled in."""
    bound = inspect.signature(DEMOS[args["name"]]).bind(**args["kwargs"])
    bound.apply_defaults()
    return {"name": args["name"], **bound.arguments}
