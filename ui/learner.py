"""This browser's anonymous learner: an id kept in a cookie, their answers and Lab runs in the learner store
(on the server's database, so replicas share them).

No accounts: the id is the learner, and it never goes into the address. The same browser is the same
learner on every page, in every tab and after a reload; another browser (or a private window) is
another learner. So a copied address bar, or a link the Lab offers, hands nobody's record over.
An address from before the cookie (`?learner=...`) still finds its record in a browser that has no
learner yet; the id then leaves the address.
"""

from __future__ import annotations

import streamlit as st

from statelab.engine.storage import cache_directory
from statelab.server.learner_store import KEEP_DAYS, LearnerStore, is_learner_id, new_learner_id
from ui import unsaved
from ui.cookies import browser_cookie, render_cookie
from ui.database import database

LEARNER_PARAM = "learner"  # the URL query parameter that held the id before the cookie
COOKIE = "statelab_learner"
WRITTEN_KEY = "learner_cookie_written"
ID_KEY = "learner_id"
ANSWERS_KEY = "lesson_checks"  # this session's copy of the learner's answers (lesson checks, Lab presets)
READ_KEY = "lesson_checks_read"  # set once the stored answers have been read into ANSWERS_KEY
OLD_STORE_FILE = "learners.sqlite3"  # where learner records were kept before they joined the database


@st.cache_resource
def learner_store() -> LearnerStore:
    """The server's learner store, on its database; the records of an older learners.sqlite3 in the cache
    folder are carried over on the first start."""
    store = LearnerStore(database())
    store.carry_over(cache_directory() / OLD_STORE_FILE)
    return store


def learner_id() -> str:
    """This browser's learner id: from the session, else its cookie, else an old address's, else a new one."""
    known = st.session_state.get(ID_KEY)
    if known is None:
        known = choose_learner_id(browser_cookie(COOKIE), st.query_params.get(LEARNER_PARAM))
        st.session_state[ID_KEY] = known
    if LEARNER_PARAM in st.query_params:
        del st.query_params[LEARNER_PARAM]
    return known


def choose_learner_id(cookie: str | None, address: str | None) -> str:
    """The learner a new session is: the browser's cookie; without one, an old address's id; else a new id.

    An id in the address never replaces the cookie's: a link cannot make a browser someone else.
    """
    for candidate in (cookie, address):
        if is_learner_id(candidate):
            return candidate
    return new_learner_id()


def render_learner_cookie() -> None:
    """Keep the learner id in this browser for KEEP_DAYS more days: written once a session, and whenever
    the browser did not send it (its first visit, or cookies cleared)."""
    with st.container(key="cookie_writer_learner"):  # hidden (ui.theme), and always there: see ui.lab_memory
        if browser_cookie(COOKIE) != learner_id() or not st.session_state.get(WRITTEN_KEY):
            st.session_state[WRITTEN_KEY] = True
            render_cookie(COOKIE, learner_id(), KEEP_DAYS * 86400)


def render_where_progress_lives(container=st) -> None:
    """Say where the learner's answers and runs are kept, and what finds them again."""
    container.caption(
        ":material/cookie: Your answers and Lab runs are kept on this server for this browser: a cookie "
        "holds an anonymous id, no name. Come back in this browser, on any page, to find them; another "
        "browser or a private window starts afresh."
    )


def answers() -> dict[str, dict]:
    """The learner's answers (check or preset id -> {"picked", "outcome"}), read once a session (while the
    database is away, again at every call; this tab's own answers win over the stored ones)."""
    kept = st.session_state.setdefault(ANSWERS_KEY, {})
    if not st.session_state.get(READ_KEY):
        stored = unsaved.read(lambda: learner_store().answers(learner_id()))
        if stored is not None:
            for answer_id, record in stored.items():
                kept.setdefault(answer_id, record)
            st.session_state[READ_KEY] = True
    return kept


def save_answer(answer_id: str, picked: str, outcome: str | None = None) -> dict:
    """Keep a prediction (and the outcome, once the run showed it) in this session and in the store."""
    record = {"picked": picked, "outcome": outcome}
    answers()[answer_id] = record
    learner = learner_id()
    unsaved.write(lambda: learner_store().save_answer(learner, answer_id, picked, outcome))
    return record


def forget_answers(answer_ids: list[str]) -> None:
    """Forget these answers, in this session and in the store."""
    for answer_id in answer_ids:
        answers().pop(answer_id, None)
    learner = learner_id()
    unsaved.write(lambda: learner_store().forget_answers(learner, answer_ids))
