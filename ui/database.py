"""The server's one database: class mode and the learners' records (runs, answers) share it.

DATABASE_URL names a PostgreSQL server that every replica shares; without it, an SQLite file in the
shared cache folder (statelab.database).
"""

from __future__ import annotations

import streamlit as st

from statelab.database import Database, open_database


@st.cache_resource
def database() -> Database:
    """The database of this server, opened with the first page that needs it."""
    return open_database()
