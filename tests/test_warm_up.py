"""Cache warming covers what a class opens first: the default run, every preset, then every lesson's works."""

import os
import signal

import pytest
from project import PATIENCE, ROOT
from streamlit.testing.v1 import AppTest

from statelab.engine.config import LabConfig
from statelab.engine.work import as_job
from statelab.server.jobs import JobPool
from statelab.teaching.lessons import Scale, all_lessons
from statelab.teaching.presets import PRESETS
from ui.lesson_page import lesson_page
from ui.runs import job_pool
from ui.warm_up import warm_up_works


def keys(works) -> list[str]:
    return [as_job(work).key for work in works]


@pytest.fixture
def own_job_pool(tmp_path, monkeypatch):
    """A fresh shared pool for the pages run here, on an empty cache, closed afterwards (its queued runs
    are not needed). Empty: a page shows works already in the cache (the suite's run cache may hold a
    lesson's minutes-long runs another test trained), and reading them is not what opening costs."""
    monkeypatch.setenv("STATELAB_CACHE", str(tmp_path))
    job_pool().close()
    job_pool.clear()
    yield
    job_pool().close()
    job_pool.clear()


def test_the_default_run_and_presets_come_first_then_the_lessons_in_order():
    works = warm_up_works()
    order = keys(works)
    assert len(set(order)) == len(order) and works[0] == LabConfig()
    seen = {LabConfig().key()} | {
        preset.config(LabConfig(seed=seed)).key()
        for preset in PRESETS.values()
        for seed in range(preset.seeds)
    }  # every preset on the seeds its links ask for
    assert set(order[: len(seen)]) == seen
    firsts = []
    for item in all_lessons():
        new = [key for key in keys(item.works(Scale())) if key not in seen]
        seen |= set(new)
        firsts += [order.index(new[0])] if new else []
    assert firsts == sorted(firsts) and len(firsts) >= 6, "the lessons' works follow, lesson by lesson"
    assert set(order) == seen


def test_every_work_a_lesson_page_asks_for_on_opening_is_warmed(own_job_pool, monkeypatch):
    """A lesson page runs its demos and prefetches its checks when it opens: all of it must be in the
    warm-up, or a class opening the lesson would queue it once per learner."""
    asked: dict[int, dict[str, str]] = {}  # lesson -> key -> what it is
    want = JobPool.want  # every request to the pool goes through it (submit too)
    current = [0]

    def recording_want(self, jobs, background=False):
        for job in jobs:
            asked.setdefault(current[0], {})[job.key] = str(job.args.get("name") or job.args)
        return want(self, jobs, background)

    monkeypatch.setattr(JobPool, "want", recording_want)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PATIENCE).run()
    for pid in job_pool().processes:  # the pages queue their runs as usual, but nothing trains them:
        os.kill(pid, signal.SIGSTOP)  # what they ask for is the point, and a lesson's runs take minutes
    for item in all_lessons():
        current[0] = item.number
        app.switch_page(lesson_page(item)).run()
        assert not app.exception, app.exception
    warmed = set(keys(warm_up_works()))
    missing = {number: [found[key] for key in found.keys() - warmed] for number, found in asked.items()}
    missing = {number: names for number, names in missing.items() if names}
    assert not missing, f"lesson works not warmed (declare them in the lesson's module): {missing}"
    assert {item.number for item in all_lessons()} <= set(asked), "every lesson page asks for something"
