"""Cache warming: what a class asks for first, trained in the background as soon as the server starts.

The Lab's default run and every preset come first, then every lesson's live works in lesson order
(each lesson object declares them: statelab.teaching.lessons), so a class opening a lesson together finds its
demos done (one run for the whole class, not one each) and the first learner to press Train waits
behind no one's demos. A test opens every lesson page and checks that all it asks for is warmed.
"""

from __future__ import annotations

import os
import threading

import streamlit as st

from statelab.engine.work import Work, as_job
from statelab.server.jobs import JobPool
from statelab.teaching.lessons import Scale, all_lessons
from statelab.teaching.presets import warm_up_configs


def lesson_works() -> list[Work]:
    """Every lesson's live works, lesson by lesson, as a learner's session runs them."""
    return [work for lesson in all_lessons() for work in lesson.works(Scale())]


def warm_up_works() -> list[Work]:
    """The default run, every preset, then every lesson's works: each once, in that order."""
    unique: dict[str, Work] = {}
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
