"""The Lab's state when two runs of one tab's script overlap.

A learner's click stops the running script and starts the next at once (Streamlit's fastReruns); the
stopped one goes on until its next Streamlit call. Both may then be finishing the same run: a server
load test once showed "AttributeError: 'NoneType' object has no attribute 'key'" when the second
finished a run the first had already taken off `pending`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

from statelab.engine.config import LabConfig
from statelab.engine.results import LabResult, ModelResult
from ui import lab_state
from ui.lab_state import LabState, Run

RUN = Run(LabConfig(epochs=1, n_groups=1, n_windows=2, units=8))
LATER = Run(LabConfig(epochs=2, n_groups=1, n_windows=2, units=8))


def made_up_results(run: Run) -> list[LabResult]:
    """Results of the right form for each of a run's seeds (the numbers do not matter here)."""

    def model(mode: str) -> ModelResult:
        windows = np.full(run.config.n_windows, 0.5)
        return ModelResult(mode, "accuracy", np.zeros(1), windows, np.zeros((1, 2)), np.zeros((1, 2)), 0.0)

    return [LabResult(config, model("stateful"), model("stateless"), 0.5) for config in run.configs]


@pytest.fixture
def saved(monkeypatch) -> list[Callable[[], None]]:
    """The writes of runs to the learner's store, in order, not done (no Streamlit session: the learner is
    fixed)."""
    writes: list[Callable[[], None]] = []
    monkeypatch.setattr(lab_state, "learner_id", lambda: "learner")
    monkeypatch.setattr(lab_state.unsaved, "write", lambda call: writes.append(call))
    return writes


def test_a_run_finished_by_an_overlapping_script_run_is_shown_once_and_saved_once(monkeypatch, saved):
    state, results, shown, reads = LabState(pending=RUN), made_up_results(RUN), [], []

    def other_script_run() -> None:
        shown.append(lab_state.await_run(state))

    def cached_results(configs: list[LabConfig]) -> list[LabResult]:
        reads.append(configs)
        if len(reads) == 1:  # while this script run reads the cache, another one finishes the same run
            other = threading.Thread(target=other_script_run)
            other.start()
            other.join()
        return results

    monkeypatch.setattr(lab_state, "cached_results", cached_results)
    assert lab_state.await_run(state) is results
    assert shown == [results]
    assert state.pending is None and state.shown == RUN
    assert [row["key"] for row in state.history] == [RUN.key]
    assert len(saved) == 1


def test_a_run_replaced_by_a_newer_one_neither_finishes_nor_fails_it(saved):
    state = LabState(pending=LATER, shown=None)
    state.fail(RUN, "The run was cancelled.")
    assert state.pending == LATER and state.run_error == ""
    assert state.finish(RUN, made_up_results(RUN)) is None
    assert state.pending == LATER and state.shown is None and state.history == []
    assert state.finish(LATER, made_up_results(LATER))["key"] == LATER.key
    assert state.pending is None and state.shown == LATER
