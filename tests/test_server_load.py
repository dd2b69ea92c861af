"""A real server with many sessions at once (light WebSocket clients, see streamlit_client.py)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from browser import app_server
from project import ARTIFACTS, run_async
from streamlit_client import StreamlitSession, open_page

from statelab.engine.config import LabConfig, to_query
from statelab.server.jobs import JobPool

pytestmark = pytest.mark.server

TINY = LabConfig(epochs=1, n_groups=1, n_windows=4, units=8)
VERDICT = "tateful"  # the verdict names the stateful model ("Stateful 100 %, ...")
RESULT_TIMEOUT = 600.0  # seconds: the machine may be busy


def link(config: LabConfig) -> str:
    """The Lab's query string for a config (a shared link)."""
    return "&".join(f"{name}={value}" for name, value in to_query(config).items())


def shown_result(session: StreamlitSession) -> bool:
    """Whether a tab shows its verdict, an exception or a failure message."""
    return bool(
        session.first_alert(VERDICT, ("info",)) is not None
        or session.exceptions
        or session.first_alert("did not finish", ("error",)) is not None
    )


async def open_at_once(url: str, query: str, count: int) -> list[StreamlitSession]:
    """`count` tabs opening the Lab on one link at the same moment, each waiting for what it shows."""
    sessions = await asyncio.gather(*(open_page(url, "lab", query) for _ in range(count)))
    await asyncio.gather(*(session.shows(shown_result, RESULT_TIMEOUT) for session in sessions))
    await asyncio.gather(*(session.close() for session in sessions))
    return sessions


async def rerun_until_shown(url: str, query: str) -> tuple[StreamlitSession, bool]:
    """A tab that asks for full reruns until its result shows; whether no refresh was re-armed after it."""
    tab = await open_page(url, "lab", query)
    deadline = time.monotonic() + RESULT_TIMEOUT
    while not shown_result(tab) and time.monotonic() < deadline:
        await tab.run()
        await tab.shows(shown_result, 0.7)  # between two of them, the page's own refreshes run
    quiet = not await tab.shows(lambda session: bool(session.timers), 5)  # no timer is re-armed after it
    await tab.close()
    return tab, quiet


def test_many_sessions_opening_a_result_at_once_on_a_fresh_server():
    """The first sessions of a fresh server import pandas (the run history table) while others draw
    Plotly figures: Plotly must never see a half-imported pandas (a traceback a class once saw)."""
    config = replace(TINY, seed=501)
    with JobPool(workers=1) as pool:  # trained first, into the cache the server will use
        pool.result(config)
    log = ARTIFACTS / "server-many-sessions.log"
    with app_server(env={"STATELAB_WORKERS": "1"}, log_path=log) as url:  # the race is in the web process
        sessions = run_async(open_at_once(url, link(config), 16))
    assert not [session.exceptions for session in sessions if session.exceptions]
    assert all(session.first_alert(VERDICT, ("info",)) is not None for session in sessions)
    text = log.read_text()
    assert "Traceback" not in text and "partially initialized" not in text, text[-3000:]


def test_a_page_reaches_its_result_whatever_reruns_happen():
    """Full reruns (a learner moving controls) land while the progress refreshes: the page still ends
    with the verdict, and no refresh is left running afterwards (a refresh that outlives its page's
    run asks the server for a fragment it no longer has, and the page never hears of its result)."""
    config = replace(TINY, epochs=20, seed=503)
    with app_server(env={"STATELAB_WORKERS": "1"}) as url:  # one run
        tab, quiet = run_async(rerun_until_shown(url, link(config)))
    assert not tab.exceptions and tab.first_alert(VERDICT, ("info",)) is not None, tab.alerts
    assert tab.full_runs > 3 and tab.fragment_runs > 0
    assert quiet and not tab.timers
