"""Cache warming: what a class asks for first, trained in the background as soon as the server starts.

The Lab's default run and every preset come first, then every lesson's live works in lesson order,
so a class opening a lesson together finds its demos done (one run for the whole class, not one
each) and the first learner to press Train waits behind no one's demos.

A lesson page declares its works as module-level values: a Job, a LabConfig, a list or dict of
them, or a Check with its works. Here a page is imported outside any page run, so it only defines
those values (`render_lesson` draws nothing there). A test runs every lesson page and checks that
all it asks for is warmed.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import streamlit as st

from statelab.config import LabConfig
from statelab.jobs import Job, JobPool, as_job
from statelab.presets import warm_up_configs
from ui.lessons import Lesson, all_lessons

ROOT = Path(__file__).resolve().parents[1]


def _works_in(value) -> list[LabConfig | Job]:
    """The works a module-level value of a lesson page holds (none for anything else)."""
    if isinstance(value, LabConfig | Job):
        return [value]
    if isinstance(value, list | tuple):
        return [work for item in value for work in _works_in(item)]
    if isinstance(value, dict):
        return _works_in(list(value.values()))
    works = getattr(value, "works", None)  # a lesson check
    return _works_in(works) if isinstance(works, list) else []


def page_works(lesson: Lesson) -> list[LabConfig | Job]:
    """The live works (demos and check runs) one lesson's page lists, in its order."""
    spec = importlib.util.spec_from_file_location(
        f"statelab_warm_up.lesson_{lesson.number}", ROOT / lesson.page
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # outside a page run: the page defines its works and draws nothing
    return [work for value in vars(module).values() for work in _works_in(value)]


def lesson_works() -> list[LabConfig | Job]:
    """Every lesson's live works, lesson by lesson."""
    return [work for lesson in all_lessons() for work in page_works(lesson)]


def warm_up_works() -> list[LabConfig | Job]:
    """The default run, every preset, then every lesson's works: each once, in that order."""
    unique: dict[str, LabConfig | Job] = {}
    for work in [*warm_up_configs(), *lesson_works()]:
        unique.setdefault(as_job(work).key, work)
    return list(unique.values())


@st.cache_resource
def start_warming(_pool: JobPool) -> threading.Thread | None:
    """Once per server: queue `warm_up_works` in the pool's background, from a thread of its own
    (outside any session, so the pages' defaults apply). STATELAB_WARM=0 turns it off."""
    if os.environ.get("STATELAB_WARM", "1") == "0":
        return None

    def warm() -> None:
        for work in warm_up_works():
            if _pool.closed:
                return
            _pool.submit(work, background=True)

    thread = threading.Thread(target=warm, daemon=True, name="statelab-warm-up")
    thread.start()
    return thread
