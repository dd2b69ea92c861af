"""The fault rehearsal's cast and records: who sits on which replica, what each page shows, what is stored.

tests/test_faults.py runs the rehearsal; this module holds its parts: seats (a protocol tab behind nginx
with the replica cookie a browser would hold), the learners' steps on the class, lesson and Lab pages,
and a snapshot of every stored row (class mode and learner records) to compare before and after a fault.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from class_load import ANSWERED, PATIENCE, join_class
from nginx_proxy import get, replicas_seen
from streamlit_client import StreamlitSession, open_page

from statelab.engine.config import LabConfig, to_query
from statelab.server.classroom import TABLES as CLASS_TABLES
from statelab.server.database import Database
from statelab.server.learner_store import TABLES as LEARNER_TABLES
from statelab.teaching.lessons import lesson

VERDICT = "tateful"  # the Lab's verdict names the stateful and the stateless model
FIRST_RUN = replace(LabConfig(epochs=1, n_groups=1, n_windows=4, units=8), seed=777)  # done before faults
DATABASE_DOWN = "did not answer"  # the words of a page whose database call failed
LEARNER_COOKIE = "statelab_learner"  # where issue 23 keeps the learner id (ignored while it is in the URL)
NOT_SAVED = "not saved yet"  # the words of a page keeping a learner's answer until the database is back
ALERT_KINDS = ("info", "error")  # the verdict is an info box, a run that did not finish an error box
LESSON = lesson(7)  # one check on its page: "Your prediction" and "Run it" are its only ones


def in_flight_run(index: int) -> LabConfig:
    """A Lab learner's second run, still training when the replica goes down: a new shape (compiled
    afresh) and more epochs than the first."""
    return replace(LabConfig(epochs=12, n_groups=2, n_windows=4, units=16), seed=900 + index)


@dataclass
class Seat:
    """A browser behind nginx: its replica cookie, the replica that cookie reaches, its open tab."""

    name: str
    cookie: str
    replica: str
    tab: StreamlitSession | None = None
    learner: str = ""  # the Lab learner id, for Lab learners
    jar: dict[str, str] = field(default_factory=dict)  # cookies this browser keeps beyond its open tab

    def __post_init__(self) -> None:
        if self.learner:  # the id in the address (today) and in the cookie (issue 23): either finds it
            self.jar[LEARNER_COOKIE] = self.learner

    sent: dict[int, str] = field(default_factory=dict)  # class vote -> the answer label sent
    picked: str = ""  # the lesson check's prediction
    outcome: str = ""  # what the run in flight got
    recovered: float | None = None  # seconds from the fault to the page showing its state again

    def cookies(self) -> dict[str, str]:
        """The cookies this browser holds: those its pages set (a class token, the learner id) and the
        replica cookie nginx gave it."""
        return {**self.jar, **(self.tab.cookies if self.tab else {}), "statelab_replica": self.cookie}

    async def leave(self, tab: StreamlitSession) -> None:
        """Close a tab; the browser keeps the cookies its pages set."""
        self.jar.update(tab.cookies)
        await tab.close()


def replica_of(base: str, access_log: Path, cookie: str) -> str:
    """The replica (upstream address) nginx sends this cookie to, from its access log."""
    get(base + "/_stcore/health", cookie)
    (replica,) = replicas_seen(access_log, cookie, "/_stcore/health")
    return replica


def seats(base: str, access_log: Path, prefix: str, per_replica: dict[str, int]) -> list[Seat]:
    """Seats whose cookies reach each replica as many times as asked, found by trying cookies in turn."""
    wanted, found = dict(per_replica), []
    for index in range(400):
        cookie = f"{prefix}-{index}"
        replica = replica_of(base, access_log, cookie)
        if wanted.get(replica, 0) > 0:
            wanted[replica] -= 1
            found.append(Seat(cookie, cookie, replica))
        if not any(wanted.values()):
            return found
    raise AssertionError(f"no cookies reach {wanted} in 400 tries")


def records(database: Database) -> dict[str, set[tuple]]:
    """Every stored row, table by table: classes, learners, answers, learners' runs and answers."""
    with database.transaction(write=False) as transaction:
        return {
            table: set(transaction.all(f"SELECT * FROM {table}"))  # noqa: S608 (names from the code)
            for table in (*CLASS_TABLES, *LEARNER_TABLES)
        }


def counts(snapshot: dict[str, set[tuple]]) -> dict[str, int]:
    """Rows per table."""
    return {table: len(rows) for table, rows in snapshot.items()}


def shown_after(tab: StreamlitSession, moment: float, text: str, kinds: tuple[str, ...] = ()) -> bool:
    """Whether the tab received a text (or an alert of these kinds) containing `text` after `moment`."""
    if kinds:
        return any(when > moment and kind in kinds and text in body for when, kind, body in tab.alerts)
    return any(when > moment and text in body for when, body in tab.texts)


def count_after(tab: StreamlitSession, moment: float) -> tuple[int, int] | None:
    """The last (answered, joined) the teacher's page showed after `moment`, or None."""
    found = [ANSWERED.match(text) for when, text in tab.texts if when > moment]
    found = [match for match in found if match]
    return (int(found[-1][1]), int(found[-1][2])) if found else None


async def settle(tab: StreamlitSession, ready) -> None:
    """Wait until the page shows `ready` and no script run is in progress (a person acts then)."""
    await tab.wait_for(lambda page: ready(page) and not page.running, PATIENCE)


async def join(base: str, seat: Seat, code: str) -> None:
    """A learner opens the join link and joins the class."""
    seat.tab = await open_page(base, "join", f"code={code}", seat.cookies())
    await join_class(seat.tab)


def answer_button(tab: StreamlitSession) -> str | None:
    """The label of the answer form's button the page drew last (send, or change an answer sent)."""
    drawn = [tab.widgets[label] for label in ("Send my answer", "Change my answer") if label in tab.widgets]
    return max(drawn, key=lambda widget: widget.drawn).label if drawn else None


async def vote(seat: Seat, poll: int, label: str) -> float:
    """Send an answer to the open vote (the form must be on the page); when it was sent."""
    await settle(seat.tab, answer_button)
    seat.sent[poll] = label
    return await seat.tab.run({"Your answer": label, answer_button(seat.tab): True})


async def confirmed(seat: Seat, sent: float) -> None:
    """Wait until the learner's page confirms the answer sent at `sent`."""
    label = seat.sent[max(seat.sent)]
    await seat.tab.wait_for(lambda page: shown_after(page, sent, f"**Your answer:** {label}"), PATIENCE)


async def answer_lesson(base: str, seat: Seat, pick: int) -> None:
    """A Lab learner predicts the lesson's check and runs it (the prediction is stored at the press)."""
    tab = await open_page(base, LESSON.url, f"learner={seat.learner}", seat.cookies())
    await settle(tab, lambda page: "Your prediction" in page.widgets)
    options = tab.widgets["Your prediction"].options
    seat.picked = options[pick % len(options)]
    await tab.run({"Your prediction": seat.picked})
    await settle(tab, lambda page: "Run it" in page.widgets and not page.widgets["Run it"].disabled)
    await tab.run({"Run it": True})
    await tab.wait_for(lambda page: page.first_alert("Your prediction") is not None, PATIENCE)
    await seat.leave(tab)


async def lesson_pick_shown(base: str, seat: Seat) -> tuple[str | None, bool]:
    """In a new tab: the lesson check's prediction as the page draws it, and whether it is locked."""
    tab = await open_page(base, LESSON.url, f"learner={seat.learner}", seat.cookies())
    await settle(tab, lambda page: "Your prediction" in page.widgets)
    radio = tab.widgets["Your prediction"]
    await seat.leave(tab)
    return radio.value, radio.disabled


def lab_query(config: LabConfig, learner: str) -> str:
    """A Lab link that runs these settings for this learner."""
    return "&".join(f"{name}={value}" for name, value in {**to_query(config), "learner": learner}.items())


async def first_run(base: str, seat: Seat) -> None:
    """A Lab learner's run that finishes before any fault (kept in their records)."""
    tab = await open_page(base, "lab", lab_query(FIRST_RUN, seat.learner), seat.cookies())
    await tab.wait_for(lambda page: page.first_alert(VERDICT, ("info",)) is not None, PATIENCE)
    await seat.leave(tab)


async def start_run(base: str, seat: Seat, index: int) -> None:
    """A Lab learner starts a run and leaves the tab open on its progress."""
    seat.tab = await open_page(base, "lab", lab_query(in_flight_run(index), seat.learner), seat.cookies())
    await seat.tab.wait_for(lambda page: page.progress or page.first_alert(VERDICT) is not None, PATIENCE)


async def run_outcome(seat: Seat, moment: float) -> str:
    """What a Lab tab's run got after `moment`: its verdict, or the page's plain message, in words."""
    tab, ends = seat.tab, (VERDICT, "did not finish")
    done = await tab.shows(
        lambda page: page.exceptions or any(shown_after(page, moment, text, ALERT_KINDS) for text in ends),
        PATIENCE,
    )
    if tab.exceptions:
        return f"a trace: {tab.exceptions}"
    if not done:
        return "nothing: a silent hang"
    when, message = next(
        (when, body)
        for when, kind, body in tab.alerts
        if when > moment and kind in ALERT_KINDS and any(text in body for text in ends)
    )
    how = "trained" if tab.progress_seen > moment else "found in the shared cache"
    return f"{how}, verdict after {when - moment:.1f} s" if VERDICT in message else f"the message {message!r}"


async def reconnect(seat: Seat, fault: float) -> None:
    """The tab of a seat on the replica that went down: it sees the connection close, reconnects as the
    browser does (through nginx, which sends it to the other replica) and runs its page again."""
    await seat.tab.wait_for(lambda page: bool(page.closed), PATIENCE)
    await seat.tab.reconnect()


async def back(seat: Seat, fault: float, shown) -> None:
    """Wait until the seat's page shows `shown` again; note the seconds from the fault."""
    await seat.tab.wait_for(shown, PATIENCE)
    seat.recovered = time.time() - fault


def seconds_to(tab: StreamlitSession, moment: float, shown) -> float | None:
    """Seconds from `moment` to the first text after it for which `shown(text)` holds, or None."""
    times = [when for when, text in tab.texts if when > moment and shown(text)]
    return min(times) - moment if times else None
