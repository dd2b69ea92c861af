"""Class mode in Streamlit: the server's Classroom, tokens kept in this browser, join link, projector mode.

A teacher's and a learner's token live in the session and in a cookie of this browser (set by a small
script), so a reload keeps the teacher in control and the learner's answer theirs. Tokens never go
into the URL: a projected address bar or a link passed to a neighbour gives nothing away.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from statelab.server.class_records import ClassError, ClassNotFound, format_code, normalize_code
from statelab.server.classroom import PURGE_EVERY, Classroom
from ui.cookies import browser_cookie, render_cookie
from ui.database import database
from ui.figures import PROJECTOR_PARAM

TEACHER, LEARNER = "teacher", "learner"
UNREACHABLE = "the database did not answer"  # what `attempt` gives for a database failure
LEARNERS_PER_SECOND = 10  # learner pages refresh every (learners on this server / this) whole seconds,
LEARNER_REFRESH = (2, 5)  # but at least this often and at most this rarely
PROJECTOR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"] {display: none;}
[data-testid="stMainBlockContainer"] {max-width: 100%; padding: 1.5rem 3rem;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.75rem; line-height: 1.45;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] code {font-size: 1.5rem;}
[data-testid="stMain"] .stCode pre, [data-testid="stMain"] .stCode code {font-size: 1.3rem;}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {font-size: 3rem;}
[data-testid="stMain"] [data-testid="stMetricLabel"] p {font-size: 1.5rem;}
[data-testid="stMain"] h1 {font-size: 3.25rem;}
[data-testid="stMain"] h3 {font-size: 2.25rem;}
[data-testid="stMain"] button p {font-size: 1.5rem;}
</style>"""
log = logging.getLogger(__name__)


@st.cache_resource
def classroom() -> Classroom:
    """The server's one Classroom (DATABASE_URL, else the SQLite file), swept for expired classes."""
    room = Classroom(database())
    threading.Thread(target=_sweep, args=(room,), daemon=True, name="statelab-class-sweep").start()
    return room


def _sweep(room: Classroom) -> None:
    """Delete expired classes every PURGE_EVERY seconds, even while nobody uses class mode."""
    while True:
        time.sleep(PURGE_EVERY)
        try:
            room.purge_expired()
        except Exception:  # the database may be away for a while: try again next time
            log.exception("Could not delete expired classes")


def attempt(call: Callable[[], object], ended: str = "") -> tuple[bool, object]:
    """(True, value) of a Classroom call, or, after saying in plain words why it failed, (False, None)
    for a refusal (no such class, not the teacher...) and (False, UNREACHABLE) when the database failed.

    `ended`: what to say instead when the class is not found (to a browser that was in it).
    """
    try:
        return True, call()
    except ClassNotFound as error:
        if ended:
            st.info(ended, icon=":material/door_open:")
        else:
            st.error(str(error), icon=":material/error:")
        return False, None
    except (ClassError, ValueError) as error:
        st.error(str(error), icon=":material/error:")
        return False, None
    except Exception as error:  # the database is unreachable or failed: no trace on the page
        log.exception("Class mode database error")
        st.error(
            f"The class database did not answer ({type(error).__name__}). Nothing you sent before is "
            "lost; try again in a moment. If it persists, the server's database needs attention.",
            icon=":material/database:",
        )
        return False, UNREACHABLE


def url_code() -> str | None:
    """The class code in the page's URL (?code=...), normalised; None when it is missing or malformed."""
    text = st.query_params.get("code")
    if not text:
        return None
    try:
        return normalize_code(text)
    except ClassError:
        return None


def _cookie_name(role: str, code: str) -> str:
    return f"statelab_{role}_{code}"


def saved_token(role: str, code: str) -> str | None:
    """This browser's token for a class in a role: from the session, or from the cookie after a reload."""
    name = _cookie_name(role, code)
    return st.session_state.get(name) or browser_cookie(name)


def keep_token(role: str, code: str, token: str, expires_at: float) -> None:
    """Remember a token in the session and, until the class expires, in a cookie of this browser."""
    name = _cookie_name(role, code)
    st.session_state[name] = token
    st.session_state[f"{name}_expires"] = expires_at


def render_token_cookie(role: str, code: str) -> None:
    """Write the session's token into this browser's cookie (a tiny script) when the cookie lacks it."""
    name = _cookie_name(role, code)
    token = st.session_state.get(name)
    if not token or browser_cookie(name) == token:
        return
    max_age = max(60, int(st.session_state.get(f"{name}_expires", time.time() + 3600) - time.time()))
    render_cookie(name, token, max_age, same_site="strict")


def forget_token(role: str, code: str) -> None:
    """Drop a token from the session (the cookie expires with the class)."""
    st.session_state.pop(_cookie_name(role, code), None)


def join_url(code: str) -> str:
    """The link learners open: STATELAB_PUBLIC_URL, or the address this browser uses, + /join?code=..."""
    base = os.environ.get("STATELAB_PUBLIC_URL") or "{0.scheme}://{0.netloc}".format(
        urlsplit(st.context.url or "")
    )
    return f"{base.rstrip('/')}/join?code={code}"


def reachable_only_here(url: str) -> bool:
    """Whether a link names this computer only (localhost), which learners' devices cannot open."""
    return (urlsplit(url).hostname or "") in ("localhost", "127.0.0.1", "::1")


def render_projector_toggle() -> bool:
    """The projector-mode toggle, kept in the URL (?projector=true); when on, large fonts, no sidebar."""
    on = st.toggle(
        "Projector mode",
        key=PROJECTOR_PARAM,
        bind="query-params",
        help="Large fonts and fewer controls, for the screen the class sees. Kept in the page's address.",
    )
    if on:
        st.html(PROJECTOR_CSS)
    return on


@st.cache_resource
def learner_sessions() -> dict[str, float]:
    """Learner session -> when its page last refreshed; shared by every session on the server."""
    return {}


def learner_refresh() -> int:
    """Seconds between a learner page's refreshes: 2 s for a small class, slower as more learners watch.

    Each refresh is one short script run on the server; 100 learners at 5 s cost it 20 runs a second.
    Whole seconds, so a page's refresh is re-armed only when the class grows past a step.
    """
    seen, now = learner_sessions(), time.monotonic()
    seen[st.session_state.setdefault("class_learner_session", os.urandom(8).hex())] = now
    for session, last in list(seen.items()):
        if now - last > 3 * LEARNER_REFRESH[1]:
            seen.pop(session, None)
    low, high = LEARNER_REFRESH
    return min(high, max(low, math.ceil(len(seen) / LEARNERS_PER_SECOND)))


def render_class_title(code: str, target=st) -> None:
    """The heading "Class XXXX-XXXX"; a narrow screen moves the whole code to the next line."""
    target.markdown(
        f'# Class <span style="white-space: nowrap">{format_code(normalize_code(code))}</span>',
        unsafe_allow_html=True,
    )
