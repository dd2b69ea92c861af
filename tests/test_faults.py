"""Fault rehearsal: nothing is lost when a replica or the database goes down mid-class.

On loopback, as deploy/ ships it: a PostgreSQL server of this test's own, two app replicas on it
(DATABASE_URL, one shared cache folder) and nginx in front (deploy/nginx.conf, ports changed). Every
participant is a browser tab speaking Streamlit's protocol through nginx (tests/streamlit_client.py),
with the replica cookie nginx gave it and the cookies its pages set: a teacher, a class of 20 voting,
and 4 learners with lesson answers and Lab runs stored and a second Lab run in flight.

1. SIGKILL to one replica's process group (its server and its training workers, as when a container
   dies) mid-vote and mid-run. Its tabs see their connection close and reconnect as a browser does;
   nginx sends them to the other replica, where they find their class, their answers, their runs and
   their lesson answers; the runs in flight are run again there (or say why not); the class goes on.
2. PostgreSQL stopped (a fast shutdown: every connection ended) and started again on the same port and
   data during a second vote. Answers sent during the outage get a plain message and are sent again;
   the pages come back by themselves; every stored row is still there.

Nothing is timed against a limit: the waits are for events (PATIENCE only ends a hung one); the note
printed at the end gives the figures, and the time the rehearsal took beside its budget.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import replace

import pytest
from browser import ARTIFACTS, app_process, free_port
from class_load import PATIENCE, last_count
from fault_rehearsal import (
    DATABASE_DOWN,
    LESSON,
    NOT_SAVED,
    VERDICT,
    Seat,
    answer_lesson,
    back,
    confirmed,
    count_after,
    counts,
    first_run,
    join,
    lesson_pick_shown,
    reconnect,
    records,
    run_outcome,
    seats,
    seconds_to,
    settle,
    shown_after,
    start_run,
    vote,
)
from nginx_proxy import nginx
from postgres import throwaway_postgres
from project import run_async
from streamlit_client import open_page

from statelab.server.classroom import Classroom
from statelab.server.database import open_database
from statelab.server.learner_store import new_learner_id
from ui.class_questions import lesson_questions

pytestmark = pytest.mark.server

CLASS, LAB = 20, 4  # learners voting; learners with Lab runs (half of each on either replica)
OUTAGE_SENDERS = 5  # learners who send their second vote while the database is down
OUTAGE = 10.0  # seconds the database stays down
BUDGET = 900.0  # seconds the rehearsal should take on an idle 2-core machine (printed, not asserted)


def test_nothing_is_lost_when_a_replica_or_the_database_goes_down(tmp_path):
    began = time.monotonic()
    with throwaway_postgres() as postgres:
        env = {
            "DATABASE_URL": postgres.url,
            "STATELAB_CACHE": str(tmp_path / "shared-cache"),
            "STATELAB_WORKERS": "1",
            "STATELAB_WARM": "0",
        }
        logs = [ARTIFACTS / f"fault-replica-{name}.log" for name in "ab"]
        with (
            app_process(log_path=logs[0], env=env) as first,
            app_process(log_path=logs[1], env=env) as second,
        ):
            replicas = {f"127.0.0.1:{url.rsplit(':', 1)[1]}": process for url, process in (first, second)}
            listen = free_port()
            with nginx(listen, [int(address.rsplit(":", 1)[1]) for address in replicas]) as access_log:
                note = run_async(rehearse(f"http://127.0.0.1:{listen}", access_log, replicas, postgres))
    print(f"\n{note}\nThe rehearsal took {time.monotonic() - began:.0f} s (budget {BUDGET:.0f} s).")


async def rehearse(base, access_log, replicas, postgres) -> str:
    """The whole rehearsal; the note of what happened."""
    database = open_database(postgres.url)
    room = Classroom(database)
    started = room.start()
    code, question = started.code, lesson_questions()[0]
    labels = list(question.options.values())
    room.ask(code, started.teacher_token, question)
    (teacher,) = seats(base, access_log, "teacher", {next(iter(replicas)): 1})
    doomed = teacher.replica  # the replica that goes down holds the teacher and half of everyone
    half = {address: CLASS // 2 for address in replicas}
    pupils = seats(base, access_log, "pupil", half)
    lab = [
        replace(seat, learner=new_learner_id())
        for seat in seats(base, access_log, "lab", {address: LAB // 2 for address in replicas})
    ]
    cookie = {f"statelab_teacher_{code}": started.teacher_token, "statelab_replica": teacher.cookie}
    teacher.tab = await open_page(base, "class", f"code={code}", cookie)
    await settle(teacher.tab, last_count)
    for start in range(0, CLASS, 10):
        await asyncio.gather(*(join(base, pupil, code) for pupil in pupils[start : start + 10]))
    await teacher.tab.wait_for(lambda page: last_count(page) == (0, CLASS), PATIENCE)
    await asyncio.gather(*(answer_lesson(base, seat, index) for index, seat in enumerate(lab)))
    await asyncio.gather(*(first_run(base, seat) for seat in lab))

    # Half the class votes (on both replicas), then runs start: the fault comes mid-vote and mid-run.
    early = pupils[::2]
    sent = await asyncio.gather(*(vote(pupil, 1, labels[index % 2]) for index, pupil in enumerate(early)))
    await asyncio.gather(*(confirmed(pupil, at) for pupil, at in zip(early, sent, strict=True)))
    await asyncio.gather(*(start_run(base, seat, index) for index, seat in enumerate(lab)))
    in_flight = [seat for seat in lab if seat.tab.first_alert(VERDICT) is None]
    before = records(database)
    fault = time.time()
    os.killpg(replicas[doomed].pid, signal.SIGKILL)
    replicas[doomed].wait()
    hit = [seat for seat in [teacher, *pupils, *lab] if seat.replica == doomed]
    await asyncio.gather(*(reconnect(seat, fault) for seat in hit))
    await recovered_pages(teacher, pupils, lab, fault, doomed)
    after = records(database)
    assert all(before[table] <= after[table] for table in before), "a stored row was lost with the replica"
    outcomes = await asyncio.gather(
        *(run_outcome(seat, fault if seat in in_flight else seat.tab.opened) for seat in lab)
    )
    for seat, outcome in zip(lab, outcomes, strict=True):
        seat.outcome = outcome
        assert "verdict" in outcome or "message" in outcome, (seat.name, outcome)
    shown = await asyncio.gather(*(lesson_pick_shown(base, seat) for seat in lab))
    assert shown == [(seat.picked, True) for seat in lab], "a lesson answer was not found after the fault"

    # The class goes on: the other half votes through the replica left.
    late = pupils[1::2]
    sent = await asyncio.gather(*(vote(pupil, 1, labels[index % 2]) for index, pupil in enumerate(late)))
    await asyncio.gather(*(confirmed(pupil, at) for pupil, at in zip(late, sent, strict=True)))
    await teacher.tab.wait_for(lambda page: count_after(page, fault) == (CLASS, CLASS), PATIENCE)
    kill_note = replica_note(before, after, teacher, pupils, lab, in_flight, doomed)

    newcomer = Seat("newcomer", "newcomer-0", "", learner=new_learner_id())  # a learner new to the lesson
    restart_note = await database_restart(base, postgres, database, teacher, pupils, newcomer, labels)
    return kill_note + "\n" + restart_note


async def recovered_pages(teacher: Seat, pupils: list[Seat], lab: list[Seat], fault: float, doomed: str):
    """Every page on the replica that went down shows its state again: the teacher's count, each
    learner's class with their answer (or the answer form), each Lab learner's runs."""

    def answer_or_form(pupil: Seat):
        label = pupil.sent.get(1)
        if label:
            return lambda page: shown_after(page, fault, f"**Your answer:** {label}")
        return lambda page: "Send my answer" in page.widgets

    steps = [back(teacher, fault, lambda page: count_after(page, fault) is not None)]
    steps += [back(pupil, fault, answer_or_form(pupil)) for pupil in pupils if pupil.replica == doomed]
    steps += [
        back(seat, fault, lambda page: any(when > fault and rows for when, rows in page.tables))
        for seat in lab
        if seat.replica == doomed
    ]
    await asyncio.gather(*steps)
    for seat in [teacher, *pupils, *lab]:
        assert not seat.tab.exceptions, (seat.name, seat.tab.exceptions)


def replica_note(before, after, teacher, pupils, lab, in_flight, doomed) -> str:
    """What the replica fault did, in words and figures."""
    moved = [seat for seat in [teacher, *pupils, *lab] if seat.replica == doomed]
    times = sorted(seat.recovered for seat in moved)
    lines = [
        f"Replica SIGKILL: {len(pupils)} learners voting + the teacher + {len(lab)} Lab learners; "
        f"{len(moved)} tabs were on the replica that went down ({doomed}) and reconnected through nginx.",
        f"Rows before the fault {counts(before)}; after {counts(after)} (every row before is still there).",
        f"Pages back after the fault: median {times[len(times) // 2]:.1f} s, slowest {times[-1]:.1f} s.",
        f"Lab runs in flight at the fault: {len(in_flight)} of {len(lab)}; what each got (from the fault):",
    ]
    for seat in lab:
        where = "on the replica that went down" if seat.replica == doomed else "on the replica left"
        outcome = seat.outcome if seat in in_flight else f"finished before the fault ({seat.outcome})"
        lines.append(f"  {seat.name}, {where}: {outcome}")
    return "\n".join(lines)


async def database_restart(base, postgres, database, teacher, pupils, newcomer, labels) -> str:
    """A second vote; PostgreSQL goes down and comes back mid-vote, while a newcomer answers a lesson
    check. Returns the note."""
    await settle(teacher.tab, lambda page: "Ask again" in page.widgets)
    asked = await teacher.tab.run({"Ask again": True})
    await teacher.tab.wait_for(lambda page: shown_after(page, asked, "the second vote"), PATIENCE)
    await asyncio.gather(*(back(pupil, asked, second_vote_since(asked)) for pupil in pupils))
    before = records(database)
    senders, rest = pupils[:OUTAGE_SENDERS], pupils[OUTAGE_SENDERS:]
    postgres.stop()
    down = time.time()
    *told, kept = await asyncio.gather(
        *(refused(pupil, labels[1]) for pupil in senders), lesson_while_down(base, newcomer)
    )
    await asyncio.sleep(max(0.0, OUTAGE - (time.time() - down)))
    postgres.start()
    up = time.time()
    await asyncio.gather(*(back(pupil, up, second_vote_since(up)) for pupil in senders))
    await back(teacher, up, lambda page: count_after(page, up) is not None)
    after = records(database)
    assert all(before[table] <= after[table] for table in before), "a row was lost by the database restart"
    await back(newcomer, up, saved_since(up))  # the page saved the answer and dropped its note
    stored = records(database)["learner_answers"] - before["learner_answers"]
    (check,) = LESSON.checks
    assert [(learner, check.options[picked]) for learner, _, picked, *_ in stored] == [
        (newcomer.learner, newcomer.picked)
    ], stored
    for group, label in ((senders, labels[1]), (rest, labels[0])):  # the senders send again, then the rest
        sent = await asyncio.gather(*(vote(pupil, 2, label) for pupil in group))
        await asyncio.gather(*(confirmed(pupil, at) for pupil, at in zip(group, sent, strict=True)))
    await teacher.tab.wait_for(lambda page: count_after(page, up) == (len(pupils), len(pupils)), PATIENCE)
    for seat in [teacher, *pupils, newcomer]:
        assert not seat.tab.exceptions, (seat.name, seat.tab.exceptions)
    final = records(database)
    assert all(before[table] <= final[table] for table in before)
    returned = sorted(pupil.recovered for pupil in senders)
    return "\n".join(
        [
            f"PostgreSQL restart: down {up - down:.1f} s during the second vote; {len(senders)} answers sent "
            f"meanwhile were told the database did not answer after {min(told):.1f}-{max(told):.1f} s and "
            "were sent again once it was back: all stored.",
            f"A lesson answer given during the outage: its page said it was not saved yet ({kept:.1f} s "
            f"after the press), kept it and saved it by itself {newcomer.recovered:.1f} s after the restart.",
            f"Rows before the restart {counts(before)}; after it {counts(after)} (every row kept).",
            f"Pages back by themselves after the restart: learners {returned[0]:.1f}-{returned[-1]:.1f} s, "
            f"teacher {teacher.recovered:.1f} s. The second vote ended with {len(pupils)} of {len(pupils)}.",
        ]
    )


def saved_since(moment: float):
    """Whether a lesson page has drawn its check again since `moment`, in a finished run with no note
    that an answer is not saved yet."""

    def saved(page) -> bool:
        radio = page.widgets.get("Your prediction")
        drawn = radio.drawn if radio else 0.0
        return drawn > moment and not page.running and not shown_after(page, drawn, NOT_SAVED, ("warning",))

    return saved


async def lesson_while_down(base: str, seat: Seat) -> float:
    """A learner opens a lesson and answers its check while the database is down; seconds from the
    press to the page saying the answer is not saved yet."""
    seat.tab = await open_page(base, LESSON.url, f"learner={seat.learner}", seat.cookies())
    await settle(seat.tab, lambda page: "Your prediction" in page.widgets)
    seat.picked = seat.tab.widgets["Your prediction"].options[0]
    await seat.tab.run({"Your prediction": seat.picked})
    await settle(seat.tab, lambda page: "Run it" in page.widgets and not page.widgets["Run it"].disabled)
    pressed = await seat.tab.run({"Run it": True})
    await seat.tab.wait_for(lambda page: shown_after(page, pressed, NOT_SAVED, ("warning",)), PATIENCE)
    return seconds_to(seat.tab, pressed, lambda text: NOT_SAVED in text)


def second_vote_since(moment: float):
    """Whether a learner's page has drawn the second vote's form since `moment`."""
    return lambda page: (
        shown_after(page, moment, "Second vote")
        and "Send my answer" in page.widgets
        and page.widgets["Send my answer"].drawn > moment
    )


async def refused(pupil: Seat, label: str) -> float:
    """Send an answer while the database is down; seconds until the page says it did not answer."""
    sent = await vote(pupil, 2, label)
    await pupil.tab.wait_for(lambda page: shown_after(page, sent, DATABASE_DOWN, ("error",)), PATIENCE)
    return seconds_to(pupil.tab, sent, lambda text: DATABASE_DOWN in text)
