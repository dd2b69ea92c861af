"""Reveal on the teacher's page: a preset's runs train in the worker pool, show, and mark the outcome."""

from __future__ import annotations

import time

import pytest
from project import PATIENCE, ROOT
from streamlit.testing.v1 import AppTest

from statelab.server.classroom import Classroom
from statelab.server.database import open_database
from ui.class_questions import all_questions
from ui.live_results import OVERRIDES_KEY, SEEDS_KEY

pytestmark = pytest.mark.slow
TINY = {"epochs": 2, "n_groups": 2, "eval_groups": 2}


def test_reveal_runs_a_preset_and_records_what_it_showed():
    room = Classroom(open_database())
    started = room.start()
    question = all_questions()["preset/correct"]
    room.ask(started.code, started.teacher_token, question)
    room.join(started.code)
    room.reveal(started.code, started.teacher_token)
    app = AppTest.from_file(str(ROOT / "views" / "class_teacher.py"), default_timeout=PATIENCE)
    app.query_params["code"] = started.code
    app.session_state[f"statelab_teacher_{started.code}"] = started.teacher_token
    app.session_state[OVERRIDES_KEY] = TINY
    app.session_state[SEEDS_KEY] = 2
    deadline = time.monotonic() + PATIENCE
    while not [alert for alert in app.success if "The run shows" in alert.value]:
        assert time.monotonic() < deadline, "the reveal did not finish in time"
        assert not app.exception, app.exception
        app.run()
        time.sleep(1)
    shown = next(alert.value for alert in app.success if "The run shows" in alert.value)
    state = room.state(started.code)
    assert state.outcome in question.options and question.options[state.outcome] in shown
    assert any("by window" in chart.proto.spec for chart in app.get("plotly_chart"))
    assert any("What happens, over seeds" in text.value for text in app.markdown)
    room.close(started.code, started.teacher_token)
