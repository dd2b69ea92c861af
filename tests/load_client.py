"""A light Streamlit client: one browser tab as the server sees it, without a browser.

It speaks Streamlit's WebSocket protocol with the protobufs that ship in the streamlit package, as
the frontend does: it asks for a page (path and query string), keeps what the server draws (alerts,
progress bars, exceptions), and answers the server's `auto_rerun` timers by asking for the fragment
reruns a browser would ask for (a full run clears them, `stop_auto_rerun` cancels them). Widget
values are not sent back (every widget keeps its default), so it opens pages and links; clicking is
for the browser tests. Many of them fit on one machine beside the server: load tests use it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect


@dataclass
class Timer:
    """A fragment's auto-rerun timer, as the frontend keeps it."""

    interval: float
    due: float


@dataclass
class Session:
    """One tab on a page of the app: what it has been shown so far, and the fragment timers it runs."""

    base_url: str
    path: str = "/"
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # e.g. the Cookie a proxy pins a replica with
    opened: float = 0.0
    alerts: list[tuple[float, str, str]] = field(default_factory=list)  # (time, kind, text)
    progress: str = ""  # the text of the last progress bar drawn
    progress_seen: float = 0.0  # when the last progress bar was drawn
    exceptions: list[str] = field(default_factory=list)
    timers: dict[str, Timer] = field(default_factory=dict)
    intervals: list[tuple[float, str, float]] = field(default_factory=list)  # (time, fragment, interval)
    page_script_hash: str = ""  # the page's hash once the server has named it (its navigation message)
    full_runs: int = 0
    fragment_runs: int = 0
    closed: str = ""

    def __post_init__(self):
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.opened = time.monotonic()
        self.socket = connect(
            url,
            subprotocols=["streamlit"],
            additional_headers=self.headers,
            max_size=None,
            open_timeout=60,
            ping_interval=None,  # a browser answers the server's pings but sends none of its own
            legacy=True,  # a connection kept open across calls (websockets 17: not a context manager)
            close_timeout=1,  # a closing tab does not wait for the server's goodbye (it can take 10 s)
        )
        self.rerun()

    def rerun(self) -> None:
        """Ask for a full run of the page, as a widget change in the browser does."""
        self._rerun(fragment_id="")

    def _rerun(self, fragment_id: str) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_script_hash
        state.page_name = "" if self.page_script_hash else self.path.strip("/")
        state.fragment_id = fragment_id
        state.is_auto_rerun = bool(fragment_id)
        state.widget_states.SetInParent()
        self.socket.send(message.SerializeToString())

    def wait_for(self, done, timeout: float) -> bool:
        """Handle messages and fire due timers until `done(self)` or `timeout` seconds; whether done."""
        deadline = time.monotonic() + timeout
        while not done(self):
            now = time.monotonic()
            if now > deadline or self.closed:
                return False
            for fragment_id, timer in list(self.timers.items()):
                if timer.due <= now:
                    timer.due = now + timer.interval
                    self._rerun(fragment_id)
            soonest = min([timer.due for timer in self.timers.values()] + [deadline])
            try:
                # at most half a second: `done` may be waiting for something outside this tab
                data = self.socket.recv(timeout=min(0.5, max(0.01, soonest - time.monotonic())))
            except TimeoutError:
                continue
            except ConnectionClosed as error:
                self.closed = f"connection closed: {error}"
                return False
            self._handle(ForwardMsg.FromString(data))
        return True

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        now = time.monotonic()
        if kind == "new_session":
            if message.metadata.run.fragment_ids:
                self.fragment_runs += 1
            else:
                self.full_runs += 1
                self.timers.clear()  # a full run clears every auto-rerun timer, as the frontend does
        elif kind == "auto_rerun":
            rerun = message.auto_rerun
            self.intervals.append((now, rerun.fragment_id, rerun.interval))
            known = self.timers.get(rerun.fragment_id)
            if known is None or known.interval != rerun.interval:  # the same interval keeps its countdown
                self.timers[rerun.fragment_id] = Timer(rerun.interval, now + rerun.interval)
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash  # the page st.navigation runs
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string  # the browser's address bar follows
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self.timers.pop(fragment_id, None)
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._element(message.delta.new_element, now)
        elif (
            kind == "session_event"
            and message.session_event.WhichOneof("type") == "script_compilation_exception"
        ):
            self.exceptions.append(message.session_event.script_compilation_exception.message)
        elif kind == "ref_hash":
            self.exceptions.append("the server sent a cached-message reference this client never asked for")

    def _element(self, element, now: float) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert":
            level = {1: "error", 2: "warning", 3: "info", 4: "success"}.get(element.alert.format, "other")
            self.alerts.append((now, level, element.alert.body))
        elif kind == "progress":
            self.progress, self.progress_seen = element.progress.text, now

    def first_alert(
        self, text: str, kinds: tuple[str, ...] = ("info", "success", "warning", "error")
    ) -> float | None:
        """Seconds from opening the page to the first alert of these kinds containing `text`, or None."""
        for when, kind, body in self.alerts:
            if kind in kinds and text in body:
                return when - self.opened
        return None

    def close(self) -> None:
        """Close the tab."""
        self.socket.close()
