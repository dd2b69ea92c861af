"""A learner's records while the database is away: reads are tried again later, writes wait in the tab.

Lesson answers and Lab runs are saved in the learner store (the server's database). When the database
does not answer, a read gives None (the page goes on without the records and reads them on a later
run), and a write is kept in this tab, in order, and done once the database answers again: at the next
read or write, or by the page's own retry (`render_unsaved`). Nothing the learner did is lost, and no
page shows a trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.database import render_retry

PENDING_KEY = "learner_unsaved"  # writes the database has not taken yet, oldest first
UNREAD_KEY = "learner_unread"  # the read of the learner's records that failed last, until one succeeds
NOT_SAVED_NOTE = (
    "The database did not answer, so your answers and runs are not saved yet. This tab keeps them and "
    "saves them as soon as the database answers again."
)
UNREAD_NOTE = (
    "The database did not answer, so your earlier answers and runs are not shown yet. Nothing is lost: "
    "they come back as soon as it answers again."
)
log = logging.getLogger(__name__)
Value = TypeVar("Value")


def pending() -> list[Callable[[], None]]:
    """This tab's writes still to do, oldest first."""
    return st.session_state.setdefault(PENDING_KEY, [])


def flush() -> bool:
    """Do the writes still to do, in order; whether none is left (False: the database failed again)."""
    writes = pending()
    while writes:
        try:
            writes[0]()
        except Exception:
            log.warning("A learner record could not be saved yet", exc_info=True)
            return False
        writes.pop(0)
    return True


def write(call: Callable[[], None]) -> None:
    """Do a write after the ones still to do; if the database fails, keep it for later (`render_unsaved`
    says so)."""
    pending().append(call)
    flush()


def read(call: Callable[[], Value]) -> Value | None:
    """A read, after the writes still to do; None when the database did not answer (`render_unsaved`
    then says so and tries the read again until it succeeds)."""
    try:
        if flush():
            value = call()
            st.session_state[UNREAD_KEY] = None
            return value
    except Exception:
        log.warning("Learner records could not be read", exc_info=True)
    st.session_state[UNREAD_KEY] = call
    return None


def recovered() -> bool:
    """Whether the database takes the writes still to do and answers the read that failed."""
    if not flush():
        return False
    failed = st.session_state.get(UNREAD_KEY)
    try:
        if failed:
            failed()
    except Exception:
        return False
    return True


def render_unsaved(where: DeltaGenerator) -> None:
    """While writes wait or a read failed, say so in `where` and try again every few seconds; once the
    database takes the writes and answers the read, draw the whole page again.

    Pages call it at the end of their run (every read and write is done by then), into a container
    they placed near the top.
    """
    if pending() or st.session_state.get(UNREAD_KEY):
        with where:
            st.warning(NOT_SAVED_NOTE if pending() else UNREAD_NOTE, icon=":material/database:")
            render_retry(recovered)
