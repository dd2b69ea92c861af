"""Helpers for AppTest: open a page, fill the Lab form, wait for a run, read Plotly specs."""

import base64
import json
import time

import numpy as np
from project import PATIENCE, ROOT
from streamlit.testing.v1 import AppTest

SMALL = {"epochs": 3, "n_groups": 4, "eval_groups": 2}


def open_page(name: str, query: dict | None = None) -> AppTest:
    """Run one page script (views/NAME.py) in AppTest, optionally with URL query parameters."""
    app = AppTest.from_file(str(ROOT / "views" / f"{name}.py"), default_timeout=PATIENCE)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def fill(app: AppTest, **values) -> None:
    """Set Lab form controls by setting name."""
    for name, value in values.items():
        key = f"setting_{name}"
        widget = next(
            w
            for kind in ("number_input", "selectbox", "radio", "select_slider", "slider")
            for w in app.get(kind)
            if w.key == key
        )
        widget.set_value(value)


def train(app: AppTest) -> AppTest:
    """Press "Train both models"."""
    app.button(key="train").click()
    return app.run()


def pending(app: AppTest):
    """The Lab's run on its way (a ui.lab_state.Run), or None."""
    return app.session_state["lab"].pending if "lab" in app.session_state else None


def asked(app: AppTest):
    """The Lab's last run asked for: on its way, or shown at once (a run already in the cache)."""
    return pending(app) or app.session_state["lab"].shown


def wait_for_run(app: AppTest, timeout: float = PATIENCE) -> AppTest:
    """Rerun the page until its pending run has finished."""
    deadline = time.monotonic() + timeout
    while pending(app):
        assert time.monotonic() < deadline, "the run did not finish in time"
        time.sleep(0.5)
        app.run()
    return app


def chart_specs(app: AppTest) -> list[dict]:
    """The Plotly figures on the page, as dicts."""
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def switch(app: AppTest, key: str, label: str | bool) -> AppTest:
    """Switch the tabs with `key` to the tab `label` (or an expander to open, True), as a click does: only
    what is open is drawn."""
    app.session_state[key] = label
    return app.run()


def chart_titled(app: AppTest, words: str) -> dict:
    """The figure whose title contains `words` (long titles are broken into lines: "<br>" reads as " ")."""
    return next(
        spec for spec in chart_specs(app) if words in spec["layout"]["title"]["text"].replace("<br>", " ")
    )


def values(data) -> list[float]:
    """A Plotly array as a list, whether plain or base64-encoded ("bdata", as Plotly 6+ writes it)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"])).tolist()
    return list(data)
