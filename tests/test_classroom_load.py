"""Load: a class of 30 answers one question at once (spread over 2 s), through the real server, on each
database: nothing is lost and nothing fails.

Every learner is a real Streamlit session on `streamlit run` (tests/streamlit_client.py speaks the
browser's WebSocket protocol), and the teacher's page refreshes its chart as a browser would. The
test asserts that every answer is stored once, confirmed to its learner and counted on the teacher's
page; how long the answers took to send and how fast the teacher's page follows are measured (printed),
not asserted: time targets live in the benchmark, on a machine that nothing else loads. Larger classes (100,
200, 400 learners) cost minutes, so they are measured by bench/bench_class_mode.py (figures in the
README, "What one server holds"), not here.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser import app_server
from class_load import run_class
from postgres import postgres_url
from project import run_async

from statelab.server.classroom import Classroom
from statelab.server.database import open_database
from ui.class_questions import lesson_questions

pytestmark = pytest.mark.server

WINDOW = 2.0
LEARNERS = 30


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_class_answering_at_once_loses_nothing(kind, monkeypatch):
    url = postgres_url() if kind == "postgresql" else ""
    monkeypatch.setenv("DATABASE_URL", url)  # the server and this test use the same database
    room = Classroom(open_database(url))
    question = lesson_questions()[0]
    with app_server(env={"STATELAB_WORKERS": "1"}) as base_url:  # a reveal is not part of it
        run = run_async(run_class(base_url, room, question, LEARNERS, WINDOW))
    room.database.close()
    delays = np.array(run.delays_after_stored)
    print(
        f"\n{kind}: {run.stored} answers sent over {run.sending_seconds:.2f} s (planned: {WINDOW:.1f} s); "
        f"teacher's page after each answer was stored: median {np.median(delays):.2f} s, "
        f"p95 {np.percentile(delays, 95):.2f} s"
    )
    assert (run.stored, run.confirmed, run.shown) == (LEARNERS, LEARNERS, LEARNERS)
