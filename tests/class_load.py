"""A whole class on the real server without browsers: the teacher's page and N learners' pages as sessions.

The class is started and its question asked through the Classroom API (on the server's own
database); then everything goes through the server: the teacher's page (recognised by its cookie)
refreshes its chart as a browser would, N learners open the join link, join and answer, spread evenly
over `window` seconds. Used by tests/test_classroom_load.py (counts) and bench/bench_class_mode.py
(how long the teacher's page takes to show each answer).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from streamlit_client import StreamlitSession

from statelab.server.class_records import Question
from statelab.server.classroom import Classroom

ANSWERED = re.compile(r"^\*\*(\d+)\*\* of \*\*(\d+)\*\* learners answered")
CONNECT_BATCH = 20  # sessions opened at once: a class arrives over a minute, not in one millisecond
PATIENCE = 300.0  # seconds any one step may take: the shared 2-core machine can be loaded many times over


@dataclass
class ClassRun:
    """What happened: answers stored and shown, and per answer the teacher page's delay."""

    learners: int
    stored: int  # answers in the database at the end
    shown: int  # the last count the teacher's page showed
    confirmed: int  # learners whose page confirmed their answer
    sending_seconds: float  # from the first answer sent to the last
    delays_after_stored: list[float]  # k-th answer stored -> teacher's page shows k answers
    delays_after_sent: list[float]  # k-th answer sent -> teacher's page shows k answers


def teacher_counts(teacher: StreamlitSession) -> list[tuple[float, int]]:
    """(when received, answers counted) of every count the teacher's page showed."""
    return [(when, int(ANSWERED.match(text)[1])) for when, text in teacher.texts if ANSWERED.match(text)]


def last_count(teacher: StreamlitSession) -> tuple[int, int] | None:
    """(answered, joined) as the teacher's page shows them now, or None before it shows any."""
    matches = [ANSWERED.match(text) for _, text in teacher.texts]
    last = [match for match in matches if match][-1:]
    return (int(last[0][1]), int(last[0][2])) if last else None


def stored_times(room: Classroom, code: str) -> list[float]:
    """When each answer of a class was stored, in order."""
    with room.database.transaction(write=False) as transaction:
        rows = transaction.all("SELECT answered_at FROM class_answers WHERE code = ?", (code,))
    return sorted(at for (at,) in rows)


def first_showing(counts: list[tuple[float, int]], k: int) -> float:
    """When the teacher's page first showed at least k answers."""
    return next(when for when, count in counts if count >= k)


async def _open(sessions: list[StreamlitSession], ready) -> None:
    """Connect and load sessions a batch at a time; wait until each shows `ready`."""
    for start in range(0, len(sessions), CONNECT_BATCH):
        batch = sessions[start : start + CONNECT_BATCH]
        await asyncio.gather(*(session.connect() for session in batch))
        await asyncio.gather(*(session.run() for session in batch))
        # As a person does, act once the page has finished loading (a script run is no longer in progress).
        await asyncio.gather(
            *(session.wait_for(lambda page: ready(page) and not page.running, PATIENCE) for session in batch)
        )


async def join_class(learner: StreamlitSession) -> None:
    """Press "Join the class" once the page has loaded, as a person does; wait for the question."""
    await learner.wait_for(lambda page: "Join the class" in page.widgets and not page.running, PATIENCE)
    await learner.run({"Your name (optional)": "", "Join the class": True})
    await learner.wait_for(lambda page: "Send my answer" in page.widgets, PATIENCE)


async def _answer(learner: StreamlitSession, label: str, at: float) -> float:
    """Send an answer at monotonic time `at`; when it was sent."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    return await learner.run({"Your answer": label, "Send my answer": True})


async def run_class(
    base_url: str,
    room: Classroom,
    question: Question,
    learners: int,
    window: float,
    watch: float = 0.0,
    phase: Callable[[str], None] = lambda name: None,
) -> ClassRun:
    """Start a class; `learners` join and answer within `window` seconds; measure what the teacher saw.

    With `watch`, the whole class watches the open question for that many seconds before anyone
    answers (every page refreshing as in a classroom). `phase(name)` is called as each phase ends:
    "joined", "watched", "answered" (a bench reads the server's CPU time there).
    """
    started = room.start()
    code = started.code
    room.ask(code, started.teacher_token, question)
    cookie = {f"statelab_teacher_{code}": started.teacher_token}
    teacher = StreamlitSession(base_url, "class", f"code={code}", cookies=cookie)
    pupils = [StreamlitSession(base_url, "join", f"code={code}") for _ in range(learners)]
    try:
        await _open([teacher], last_count)
        await _open(pupils, lambda page: "Join the class" in page.widgets)
        for start in range(0, learners, CONNECT_BATCH):
            await asyncio.gather(*(join_class(pupil) for pupil in pupils[start : start + CONNECT_BATCH]))
        await teacher.wait_for(lambda page: last_count(page) == (0, learners), PATIENCE)
        phase("joined")
        await asyncio.sleep(watch)
        phase("watched")
        labels = list(question.options.values())
        begin = time.monotonic() + 0.5
        sent = await asyncio.gather(
            *(
                _answer(pupil, labels[index % len(labels)], begin + window * index / learners)
                for index, pupil in enumerate(pupils)
            )
        )
        confirmations = await asyncio.gather(
            *(
                pupil.wait_for(lambda page: page.text_matching("**Your answer:**"), PATIENCE)
                for pupil in pupils
            ),
            return_exceptions=True,
        )
        await teacher.wait_for(lambda page: last_count(page)[0] >= learners, PATIENCE)
        phase("answered")
        counts = teacher_counts(teacher)
        stored = stored_times(room, code)
        seen = [first_showing(counts, k) for k in range(1, len(stored) + 1)]
        return ClassRun(
            learners=learners,
            stored=len(stored),
            shown=counts[-1][1],
            confirmed=sum(result is None for result in confirmations),
            sending_seconds=max(sent) - min(sent),
            delays_after_stored=[when - at for when, at in zip(seen, stored, strict=True)],
            delays_after_sent=[when - at for when, at in zip(seen, sorted(sent), strict=False)],
        )
    finally:
        await asyncio.gather(*(session.close() for session in [teacher, *pupils]))
        room.close(code, started.teacher_token)
