"""Learner records while the database is away (ui/unsaved.py), in AppTest: a Lab run or a lesson answer
made then is kept in the tab, the page says it is not saved yet, and it is saved once the database
answers again; no page shows a trace. tests/test_faults.py does the same with a real PostgreSQL restart.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from apptest_helpers import open_page, wait_for_run
from project import PATIENCE, ROOT
from streamlit.testing.v1 import AppTest

from statelab.engine.config import LabConfig, to_query
from statelab.server.database import open_database
from statelab.server.learner_store import LearnerStore, new_learner_id
from statelab.teaching.lessons import lesson
from ui.lesson_page import PROGRESS_KEY
from ui.unsaved import NOT_SAVED_NOTE, UNREAD_NOTE

RUN = replace(LabConfig(epochs=1, n_groups=1, n_windows=4, units=8), seed=778)


class Flaky:
    """A learner store whose database can be taken away: every call fails while `down`."""

    def __init__(self, store: LearnerStore):
        self.store, self.down = store, False

    def __getattr__(self, name: str):
        method = getattr(self.store, name)

        def call(*args, **kwargs):
            if self.down:
                raise ConnectionError("the database is away")
            return method(*args, **kwargs)

        return call


@pytest.fixture
def flaky(monkeypatch, tmp_path) -> Flaky:
    store = Flaky(LearnerStore(open_database(f"sqlite:///{tmp_path / 'records.sqlite3'}")))
    for module in ("ui.learner", "ui.lab_state"):
        monkeypatch.setattr(f"{module}.learner_store", lambda: store)
    return store


def warnings(app: AppTest) -> str:
    """Every warning on the page, joined."""
    return " ".join(warning.value for warning in app.warning)


@pytest.mark.training
def test_a_lab_run_finished_while_the_database_is_away_is_saved_once_it_answers(flaky):
    learner = new_learner_id()
    flaky.down = True
    app = wait_for_run(open_page("lab", {**to_query(RUN), "learner": learner}))
    assert not app.exception
    assert NOT_SAVED_NOTE in warnings(app)
    assert [row["key"] for row in app.session_state["lab"].history] == [f"{RUN.key()}.1"]
    assert flaky.store.runs(learner) == []
    flaky.down = False
    app.run()
    assert not app.exception
    assert [row["key"] for row in flaky.store.runs(learner)] == [f"{RUN.key()}.1"]
    assert NOT_SAVED_NOTE not in warnings(app) and UNREAD_NOTE not in warnings(app)


@pytest.mark.training
def test_a_lesson_answer_given_while_the_database_is_away_is_saved_once_it_answers(flaky):
    (check,) = lesson(7).checks
    learner = new_learner_id()
    flaky.down = True
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PATIENCE)
    app.query_params["learner"] = learner
    app.run()
    app.switch_page("views/lesson_7.py").run()
    assert UNREAD_NOTE in warnings(app)  # the earlier answers could not be read
    app.radio(key=f"check_{check.id}").set_value("zero").run()
    app.button(key=f"run_{check.id}").click().run()
    deadline = time.monotonic() + PATIENCE
    while not app.session_state[PROGRESS_KEY][check.id]["outcome"]:  # the check's run, then its judge
        assert not app.exception and time.monotonic() < deadline, app.exception
        time.sleep(0.3)
        app.run()
    assert NOT_SAVED_NOTE in warnings(app)
    assert flaky.store.answers(learner) == {}
    flaky.down = False
    app.run()
    assert not app.exception
    assert flaky.store.answers(learner) == {check.id: {"picked": "zero", "outcome": "zero"}}
    assert NOT_SAVED_NOTE not in warnings(app) and UNREAD_NOTE not in warnings(app)
