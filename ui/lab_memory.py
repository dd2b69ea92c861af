"""The Lab as the learner left it, kept in this browser: its controls (edits not yet trained and an uploaded
series included) and the run shown beside them. Another page, a reload or a new tab finds them again.

It lives in a cookie, as the learner id does, so it follows the same browser and no other: the series
itself stays on the server (statelab.storage); the cookie holds its id and the line that describes it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, field

import streamlit as st

from statelab.engine.storage import SERIES_ID, stored_series_length
from statelab.server.learner_store import KEEP_DAYS
from ui.cookies import browser_cookie, render_cookie

COOKIE = "statelab_lab"
MEMORY_KEY = "lab_memory"  # this session's copy
MAX_TEXT = 200  # characters of any one kept value


@dataclass(frozen=True)
class LabMemory:
    """The run on the page (its link's query), the controls (the same form of query), the uploaded series."""

    run: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    series: str = ""  # the id of the learner's uploaded series, kept whichever task is chosen
    series_note: str = ""  # "levels.csv, column 'level': 600 values"

    def encode(self) -> str:
        """The memory as cookie text (URL-safe base64 of JSON)."""
        return base64.urlsafe_b64encode(json.dumps(asdict(self), separators=(",", ":")).encode()).decode()

    @classmethod
    def decode(cls, text: str | None) -> LabMemory | None:
        """A memory from cookie text; None for anything else (a cookie is the browser's to change)."""
        try:
            fields = json.loads(base64.urlsafe_b64decode((text or "").encode()))
            memory = cls(**fields)
        except (ValueError, TypeError, binascii.Error):
            return None
        return memory if _plain(memory) else None


def _plain(memory: LabMemory) -> bool:
    """Whether every kept value is short text: only such values reach the page's controls."""
    if not (isinstance(memory.run, dict) and isinstance(memory.form, dict)):
        return False
    values = [*memory.run.items(), *memory.form.items(), (memory.series, memory.series_note)]
    return all(isinstance(text, str) and len(text) <= MAX_TEXT for pair in values for text in pair)


def remembered() -> LabMemory:
    """The Lab as this browser left it (empty on a first visit): read from the cookie once a session."""
    if MEMORY_KEY not in st.session_state:
        st.session_state[MEMORY_KEY] = LabMemory.decode(browser_cookie(COOKIE)) or LabMemory()
    return st.session_state[MEMORY_KEY]


def remember(memory: LabMemory | None) -> None:
    """Keep the Lab's state in this session and, when it changed, in this browser's cookie (None: keep
    nothing, as when the controls make no config).

    The script's container is drawn at every run, empty when nothing changed, so the elements after it
    keep their places: a moved element is drawn anew (an expander the learner opened would close), and
    while the column reruns, the browser showed its controls twice.
    """
    with st.container(key="cookie_writer_lab"):  # ui.theme hides it: a script, nothing to see
        if memory is not None and memory != remembered():
            st.session_state[MEMORY_KEY] = memory
            render_cookie(COOKIE, memory.encode(), KEEP_DAYS * 86400)


def learner_series() -> tuple[str, str]:
    """(id, description) of the series this learner uploaded, if it is still on the server; else ("", "")."""
    memory = remembered()
    if SERIES_ID.match(memory.series) and stored_series_length(memory.series):
        return memory.series, memory.series_note
    return "", ""
