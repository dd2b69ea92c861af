"""This browser's cookies: read from the session's first request (`st.context.cookies`), set by a script.

Streamlit has no call that sets a cookie, and `st.context.cookies` holds what the browser sent when the
session started: a cookie written during a session is read by the next one (a reload, a new tab).
"""

from __future__ import annotations

import re

import streamlit as st

SAFE_VALUE = re.compile(r"^[A-Za-z0-9_=-]{1,3000}$")  # URL-safe base64 and tokens: nothing to escape
SAFE_NAME = re.compile(r"^[A-Za-z0-9_]{1,80}$")


def browser_cookie(name: str) -> str | None:
    """The value of a cookie this browser sent when the session started, or None."""
    return st.context.cookies.get(name)


def cookie_script(name: str, value: str, max_age: int, same_site: str = "lax") -> str:
    """A script that sets a cookie for the whole app (secure on https); ValueError for unsafe text."""
    if not SAFE_NAME.match(name) or not SAFE_VALUE.match(value):
        raise ValueError(f"Cookie {name!r}: names are letters, digits, '_'; values URL-safe base64.")
    if same_site not in ("lax", "strict"):
        raise ValueError(f"same_site is 'lax' or 'strict', not {same_site!r}.")
    return (
        f"<script>document.cookie = '{name}={value}; path=/; max-age={int(max_age)}; samesite={same_site}'"
        " + (location.protocol === 'https:' ? '; secure' : '');</script>"
    )


def render_cookie(name: str, value: str, max_age: int, same_site: str = "lax", container=st) -> None:
    """Set a cookie in this browser (the next session reads it): a script that takes no room."""
    container.html(cookie_script(name, value, max_age, same_site), unsafe_allow_javascript=True)
