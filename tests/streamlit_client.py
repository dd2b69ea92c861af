"""The Streamlit client of the tests: one WebSocket session speaking the browser's protocol, no browser.

Load tests use it to put a hundred real sessions on a real `streamlit run` server (class mode, the Lab,
the nginx rehearsal, bench/bench_load.py): each one asks for a page, reads the widgets the server sends
(with their ids), sets widget values and clicks buttons as the browser would, and honours the server's
fragment auto-reruns as the browser does. As the browser, it sends every widget value it holds with
every rerun (fragment reruns too), sends a form's fields only with a press of that form's submit
button, and cannot press a disabled button (Streamlit 1.67 ignores such a press: it would be a forged
message). It keeps what the server drew: texts and alerts (with when they came), the last progress
bar, exceptions, the rows of each table, and the runs and refresh intervals the server asked for.
Widgets implemented: text inputs, radios, buttons and form submit buttons; the others keep their
defaults. As a browser, it keeps the cookies a page sets with a script (`document.cookie = ...`), and
after the server closes the connection `reconnect` opens a new one as the browser does (a replica
gone behind a proxy: the proxy sends the new one to another replica).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyarrow
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

WIDGETS = ("text_input", "radio", "button")
RETRY = 1.0  # seconds between a reconnecting tab's attempts
ALERTS = {1: "error", 2: "warning", 3: "info", 4: "success"}  # an alert's format -> its kind
SET_COOKIE = re.compile(r"""document\.cookie\s*=\s*['"`]([^=;'"`\s]+)=([^;'"`]*)""")  # a page's cookie script


@dataclass
class Widget:
    """A widget the server drew: its kind, id, label, options (radios), form and whether it is disabled."""

    kind: str
    id: str
    label: str
    options: list[str] = field(default_factory=list)
    form_id: str = ""
    disabled: bool = False
    submits: bool = False  # a form's submit button
    value: str | None = None  # a radio's option as drawn (its index, shown as its label), if any
    drawn: float = 0.0  # when the server drew it (time.time())


class StreamlitSession:
    """One session on a Streamlit server, driven over its WebSocket like a browser tab."""

    def __init__(self, base_url: str, page: str, query: str = "", cookies: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        self.url = f"ws://{parts.netloc}/_stcore/stream"
        self.page, self.query = page, query
        self.cookies = dict(cookies or {})  # sent with the connection; pages' cookie scripts add to them
        self.widgets: dict[str, Widget] = {}  # label -> the latest widget with that label
        self.values: dict[str, WidgetState] = {}  # widget id -> the value this tab holds (not clicks)
        self.texts: list[tuple[float, str]] = []  # (when received, text) of every Markdown and alert
        self.alerts: list[tuple[float, str, str]] = []  # (when received, kind, text) of every alert
        self.progress, self.progress_seen = "", 0.0  # the text of the last progress bar, and when
        self.tables: list[tuple[float, int]] = []  # (when received, rows) of every table (dataframe)
        self.exceptions: list[str] = []  # what the server reported as failing, in words
        self.intervals: list[tuple[float, str, float]] = []  # (when, fragment, interval) of auto-reruns
        self.full_runs = self.fragment_runs = 0  # script runs the server started for this session
        self.opened = 0.0  # when the connection opened (time.time())
        self.closed = ""  # why the server ended the connection, once it has
        self.socket = None
        self.reader: asyncio.Task | None = None
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, its task)
        self.running = False  # whether the server says a script run of this session is in progress
        self.page_hash = ""  # the page the server ran, once it said so (the browser then asks for it by hash)

    async def connect(self) -> None:
        """Open the WebSocket and start reading what the server sends."""
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie} if cookie else None
        self.socket = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=60,
            ping_interval=None,  # a browser answers the server's pings but sends none of its own
            close_timeout=1,  # a closing tab does not wait for the server's goodbye (it can take 10 s)
        )
        self.opened = time.time()
        self.reader = asyncio.create_task(self._read())

    async def reconnect(self) -> bool:
        """After the server closed the connection: a new one to the same address with this tab's cookies,
        as the browser opens it (retrying every `RETRY` seconds until the server takes it); then, as
        the browser does, a run of the page with the widget values this tab holds if a run was in
        progress or the page refreshed itself (else the next action runs it). Whether it asked for a run.
        """
        asking = self.running or bool(self.timers)
        self._stop_timers(list(self.timers))
        self.closed, self.running = "", False
        self.widgets = {}  # the new session draws its own (the values this tab holds are kept)
        while True:
            try:
                await self.connect()
                break
            except (OSError, websockets.InvalidHandshake):
                await asyncio.sleep(RETRY)
        if asking:
            await self.run()
        return asking

    async def close(self) -> None:
        """Stop the auto-reruns and close the WebSocket."""
        self._stop_timers(list(self.timers))
        if self.reader:
            self.reader.cancel()
        with contextlib.suppress(Exception):
            await self.socket.close()

    async def run(self, values: dict[str, object] | None = None, fragment_id: str = "") -> float:
        """Ask for a rerun of the page (or one fragment) with widget values by label (True clicks a button).

        Every value this tab holds goes with it, as the browser sends them. Returns when the request
        was sent (time.time()); `wait_for` waits for what it should show.
        """
        values = values or {}
        self._check_forms(values)
        changed = [self._state(self.widgets[label], value) for label, value in values.items()]
        clicks = [entry for entry in changed if entry.WhichOneof("value") == "trigger_value"]
        self.values.update((entry.id, entry) for entry in changed if entry not in clicks)
        message = BackMsg()
        request = message.rerun_script
        # As the browser: the page by its name in the address until the server names its hash, then the hash
        # (a rerun the page asks for itself, st.rerun, keeps the page only when the request named its hash).
        request.page_script_hash = self.page_hash
        request.page_name = "" if self.page_hash else self.page
        request.query_string, request.fragment_id = self.query, fragment_id
        request.is_auto_rerun = bool(fragment_id)
        request.widget_states.widgets.extend([*self.values.values(), *clicks])
        sent = time.time()
        await self.socket.send(message.SerializeToString())
        return sent

    def _check_forms(self, values: dict[str, object]) -> None:
        """A form's fields go to the server only with a press of that form's submit button."""
        pressed = {self.widgets[label].form_id for label in values if self.widgets[label].submits}
        for label in values:
            form = self.widgets[label].form_id
            if form and form not in pressed:
                raise ValueError(f"{label!r} is in form {form!r}: a browser sends it with its submit button")

    @staticmethod
    def _state(widget: Widget, value: object) -> WidgetState:
        """The widget state the browser sends for `value`: a click, a text, or a radio's option as shown."""
        entry = WidgetState(id=widget.id)
        if widget.kind == "button":
            if widget.disabled:
                raise ValueError(f"{widget.label!r} is disabled: a browser cannot press it")
            entry.trigger_value = bool(value)
        elif widget.kind == "radio" and value not in widget.options:
            raise ValueError(f"{value!r} is not an option of {widget.label!r}: {widget.options}")
        else:  # Streamlit keeps a radio by its shown label
            entry.string_value = str(value)
        return entry

    async def wait_for(self, shown, timeout: float = 60) -> None:
        """Wait until `shown(self)` is true (polled every 20 ms); TimeoutError after `timeout` seconds, or
        once the server has closed the connection."""
        deadline = time.monotonic() + timeout
        while not shown(self):
            if time.monotonic() > deadline or self.closed:
                raise TimeoutError(
                    f"{self.page}?{self.query}: not shown within {timeout:.0f} s ({self.health()}); "
                    f"texts {self.texts[-3:]}"
                )
            await asyncio.sleep(0.02)

    def health(self) -> str:
        """The connection's state, for error messages: whether the reader stopped, and why."""
        reader = self.reader
        stopped = reader is not None and reader.done()
        why = repr(reader.exception()) if stopped and not reader.cancelled() else ""
        reading = f"stopped {why}" if stopped else "running"
        return f"socket {getattr(self.socket, 'state', '?')}, reader {reading}"

    async def shows(self, shown, timeout: float) -> bool:
        """Whether `shown(self)` came true within `timeout` seconds (not if the server closed first)."""
        try:
            await self.wait_for(shown, timeout)
        except TimeoutError:
            return False
        return True

    def first_alert(self, text: str, kinds: tuple[str, ...] = tuple(ALERTS.values())) -> float | None:
        """Seconds from opening to the first alert of these kinds that contains `text`, or None."""
        return next(
            (when - self.opened for when, kind, body in self.alerts if kind in kinds and text in body), None
        )

    def text_matching(self, prefix: str) -> list[tuple[float, str]]:
        """Every (time, text) received that starts with `prefix`."""
        return [(when, text) for when, text in self.texts if text.startswith(prefix)]

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                message = ForwardMsg()
                message.ParseFromString(raw)
                self._handle(message)
        except websockets.ConnectionClosed as error:
            self.closed = f"connection closed: {error}"
        else:
            self.closed = "connection closed by the server"

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._note(message.delta.new_element)
        elif kind == "session_status_changed":
            self.running = message.session_status_changed.script_is_running
        elif kind == "script_finished":
            self.running = False
        elif kind == "navigation":
            self.page_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string  # the page changed its URL
        elif kind == "new_session" and message.metadata.run.fragment_ids:
            self.fragment_runs += 1
        elif kind == "new_session":
            self.full_runs += 1
            self._stop_timers(list(self.timers))  # a full run: the browser drops every refresh timer
        elif kind == "auto_rerun":
            self.intervals.append((time.time(), message.auto_rerun.fragment_id, message.auto_rerun.interval))
            self._auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(message.stop_auto_rerun.fragment_ids)
        elif (
            kind == "session_event"
            and message.session_event.WhichOneof("type") == "script_compilation_exception"
        ):
            self.exceptions.append(message.session_event.script_compilation_exception.message)
        elif kind == "ref_hash":
            self.exceptions.append("the server sent a cached-message reference this client never asked for")

    def _note(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind in WIDGETS:
            widget = getattr(element, kind)
            options = list(widget.options) if kind == "radio" else []
            submits = kind == "button" and widget.is_form_submitter
            value = options[widget.default] if kind == "radio" and widget.HasField("default") else None
            self.widgets[widget.label] = Widget(
                kind,
                widget.id,
                widget.label,
                options,
                widget.form_id,
                widget.disabled,
                submits,
                value,
                time.time(),
            )
        elif kind == "markdown":
            self.texts.append((time.time(), element.markdown.body))
        elif kind == "html":
            self.cookies.update(SET_COOKIE.findall(element.html.body))
        elif kind == "dataframe":
            table = pyarrow.ipc.open_stream(io.BytesIO(element.dataframe.arrow_data.data)).read_all()
            self.tables.append((time.time(), table.num_rows))
        elif kind == "alert":
            self.texts.append((time.time(), element.alert.body))
            self.alerts.append((time.time(), ALERTS.get(element.alert.format, "other"), element.alert.body))
        elif kind == "progress":
            self.progress, self.progress_seen = element.progress.text, time.time()
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """Rerun a fragment every `interval` seconds, as the browser does: one timer per fragment (a new
        interval replaces it), and every tick sends its request, whether or not a run is in progress."""

        async def tick() -> None:
            while not self.closed:
                await asyncio.sleep(interval)
                with contextlib.suppress(websockets.ConnectionClosed):  # the reader notes the close
                    await self.run(fragment_id=fragment_id)

        if self.timers.get(fragment_id, (None,))[0] != interval:
            self._stop_timers([fragment_id])
            self.timers[fragment_id] = (interval, asyncio.create_task(tick()))

    def _stop_timers(self, fragment_ids) -> None:
        """Cancel these fragments' refresh timers."""
        for fragment_id in fragment_ids:
            if fragment_id in self.timers:
                self.timers.pop(fragment_id)[1].cancel()


async def open_page(base_url: str, page: str, query: str = "", cookies: dict[str, str] | None = None):
    """A session that has opened a page, as a browser tab does when it loads the address."""
    session = StreamlitSession(base_url, page, query, cookies)
    await session.connect()
    await session.run()
    return session
