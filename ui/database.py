"""The server's one database: class mode and the learners' records (runs, answers) share it.

DATABASE_URL names a PostgreSQL server that every replica shares; without it, an SQLite file in the
shared cache folder (statelab.server.database). While the database is away (a restart, a network
blip), pages say so in plain words and try again by themselves (`render_retry`): nobody has to reload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from statelab.server.database import Database, open_database

RETRY_SECONDS = 3  # a page waiting for the database looks again this often
RETRY_ARMED_KEY = "database_retry_armed"  # whether the retry's next run is a tick (not the page's run)
log = logging.getLogger(__name__)


@st.cache_resource
def database() -> Database:
    """The database of this server, opened with the first page that needs it."""
    return open_database()


def database_answers() -> bool:
    """Whether the database answers a query now (a failure is logged, never raised)."""
    try:
        with database().transaction(write=False) as transaction:
            transaction.one("SELECT 1")
    except Exception:
        log.warning("The database does not answer yet", exc_info=True)
        return False
    return True


def render_retry(recovered: Callable[[], bool] = database_answers) -> None:
    """Look again every RETRY_SECONDS; once `recovered()` is true, draw the whole page again.

    The first look is a tick after the page was drawn, never during its run: a page that still fails
    after `recovered()` said yes waits for the next tick instead of drawing itself again at once.
    """
    st.caption(":material/autorenew: This page comes back by itself once the database answers.")
    st.session_state[RETRY_ARMED_KEY] = False

    @st.fragment(run_every=RETRY_SECONDS)
    def retry() -> None:
        if not st.session_state.get(RETRY_ARMED_KEY):  # drawn with the page: look at the next tick
            st.session_state[RETRY_ARMED_KEY] = True
        elif recovered():
            st.rerun(scope="app")

    retry()
