"""A minimal Streamlit client: one WebSocket session speaking the browser's protocol, without a browser.

Load tests use it to put a hundred real sessions on a real `streamlit run` server: each one asks for
a page, reads the widgets the server sends (with their ids), sets widget values and clicks buttons as
the browser would, and honours the server's fragment auto-reruns as the browser does. Only what the
class-mode tests need is implemented: text inputs, radios, buttons and form submit buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

WIDGETS = ("text_input", "radio", "button")


@dataclass
class Widget:
    """A widget the server drew: its kind, id, label, and its options (radios)."""

    kind: str
    id: str
    label: str
    options: list[str] = field(default_factory=list)


class StreamlitSession:
    """One session on a Streamlit server, driven over its WebSocket like a browser tab."""

    def __init__(self, base_url: str, page: str, query: str = "", cookies: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        self.url = f"ws://{parts.netloc}/_stcore/stream"
        self.page, self.query = page, query
        self.cookie = "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())
        self.widgets: dict[str, Widget] = {}  # label -> the latest widget with that label
        self.texts: list[tuple[float, str]] = []  # (when received, text) of every Markdown and alert
        self.socket = None
        self.reader: asyncio.Task | None = None
        self.timers: dict[str, asyncio.Task] = {}  # fragment id -> its auto-rerun task
        self.running = False  # whether the server says a script run of this session is in progress

    async def connect(self) -> None:
        """Open the WebSocket and start reading what the server sends."""
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.socket = await websockets.connect(
            self.url, subprotocols=["streamlit"], additional_headers=headers, max_size=None, open_timeout=60
        )
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        """Stop the auto-reruns and close the WebSocket."""
        for task in [*self.timers.values(), self.reader]:
            if task:
                task.cancel()
        self.timers.clear()
        with contextlib.suppress(Exception):
            await self.socket.close()

    async def reload(self) -> None:
        """What a person does with a page that stopped answering: close it and open it again."""
        await self.close()
        self.widgets.clear()
        self.running = False
        await self.connect()
        await self.run()

    async def run(self, values: dict[str, object] | None = None, fragment_id: str = "") -> float:
        """Ask for a rerun of the page (or one fragment) with widget values by label (True clicks a button).

        Returns when the request was sent (time.time()); `wait_for` waits for what it should show.
        """
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_name, state.fragment_id = self.query, self.page, fragment_id
        state.is_auto_rerun = bool(fragment_id)
        for label, value in (values or {}).items():
            widget = self.widgets[label]
            entry = state.widget_states.widgets.add()
            entry.id = widget.id
            if widget.kind == "button":
                entry.trigger_value = bool(value)
            else:  # a text input's text, or a radio's option as shown (Streamlit keeps radios by label)
                if widget.kind == "radio" and value not in widget.options:
                    raise ValueError(f"{value!r} is not an option of {label!r}: {widget.options}")
                entry.string_value = str(value)
        sent = time.time()
        await self.socket.send(message.SerializeToString())
        return sent

    async def wait_for(self, shown, timeout: float = 60) -> None:
        """Wait until `shown(self)` is true (polled every 20 ms); TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not shown(self):
            if time.monotonic() > deadline:
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

    def text_matching(self, prefix: str) -> list[tuple[float, str]]:
        """Every (time, text) received that starts with `prefix`."""
        return [(when, text) for when, text in self.texts if text.startswith(prefix)]

    async def _read(self) -> None:
        async for raw in self.socket:
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._note(message.delta.new_element)
            elif kind == "session_status_changed":
                self.running = message.session_status_changed.script_is_running
            elif kind == "script_finished":
                self.running = False
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string  # the page changed its URL
            elif kind == "auto_rerun":
                self._auto_rerun(message.auto_rerun.fragment_id, message.auto_rerun.interval)

    def _note(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind in WIDGETS:
            widget = getattr(element, kind)
            options = list(widget.options) if kind == "radio" else []
            self.widgets[widget.label] = Widget(kind, widget.id, widget.label, options)
        elif kind == "markdown":
            self.texts.append((time.time(), element.markdown.body))
        elif kind == "alert":
            self.texts.append((time.time(), element.alert.body))

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """Rerun a fragment every `interval` seconds, as the browser does: one timer per fragment, and a
        tick is skipped while a script run is in progress."""

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                if not self.running:
                    await self.run(fragment_id=fragment_id)

        if fragment_id not in self.timers:
            self.timers[fragment_id] = asyncio.create_task(tick())
