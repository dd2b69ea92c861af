"""This tab's anonymous learner: an id carried in the URL, their answers and Lab runs in the learner store
(on the server's database, so replicas share them).

No accounts: the id is the learner. A reload (or a bookmark) of a page whose address holds
`?learner=...` finds the same answers and runs again.
"""

from __future__ import annotations

import streamlit as st

from statelab.engine.storage import cache_directory
from statelab.server.learner_store import LearnerStore, is_learner_id, new_learner_id
from ui.database import database

LEARNER_PARAM = "learner"  # the URL query parameter
ID_KEY = "learner_id"
ANSWERS_KEY = "lesson_checks"  # this session's copy of the learner's answers (lesson checks, Lab presets)
OLD_STORE_FILE = "learners.sqlite3"  # where learner records were kept before they joined the database


@st.cache_resource
def learner_store() -> LearnerStore:
    """The server's learner store, on its database; the records of an older learners.sqlite3 in the cache
    folder are carried over on the first start."""
    store = LearnerStore(database())
    store.carry_over(cache_directory() / OLD_STORE_FILE)
    return store


def learner_id() -> str:
    """This tab's learner id: from the session, else from the URL, else a new one; always kept in the URL."""
    known = st.session_state.get(ID_KEY)
    if known is None:
        given = st.query_params.get(LEARNER_PARAM, "")
        known = given if is_learner_id(given) else new_learner_id()
        st.session_state[ID_KEY] = known
    if st.query_params.get(LEARNER_PARAM) != known:
        st.query_params[LEARNER_PARAM] = known
    return known


def answers() -> dict[str, dict]:
    """The learner's answers (check or preset id -> {"picked", "outcome"}), read once a session."""
    if ANSWERS_KEY not in st.session_state:
        st.session_state[ANSWERS_KEY] = learner_store().answers(learner_id())
    return st.session_state[ANSWERS_KEY]


def save_answer(answer_id: str, picked: str, outcome: str | None = None) -> dict:
    """Keep a prediction (and the outcome, once the run showed it) in this session and in the store."""
    record = {"picked": picked, "outcome": outcome}
    answers()[answer_id] = record
    learner_store().save_answer(learner_id(), answer_id, picked, outcome)
    return record


def forget_answers(answer_ids: list[str]) -> None:
    """Forget these answers, in this session and in the store."""
    for answer_id in answer_ids:
        answers().pop(answer_id, None)
    learner_store().forget_answers(learner_id(), answer_ids)
