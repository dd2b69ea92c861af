"""The Lab's session state in one object: the run on its way, the run shown, the history, notes, a question.

The history is the learner's (kept in the learner store across reloads); the rest lives in this tab.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from functools import partial

import numpy as np
import streamlit as st

from statelab.engine.config import LabConfig, from_query, seed_configs, to_query
from statelab.engine.results import LabResult
from statelab.teaching.presets import PRESETS
from ui import lab_form, unsaved
from ui.lab_memory import LabMemory, learner_series, remember, remembered
from ui.learner import answers, learner_id, learner_store
from ui.own_series import SERIES_NOTE_KEY, restore_series
from ui.runs import cached_results, job_pool, render_progress

STATE_KEY = "lab"
ANSWER_PREFIX = "preset:"  # a preset's prediction is kept among the learner's answers under this prefix


def results_key(config: LabConfig, n_seeds: int) -> str:
    """The key of the element holding a run's results (its CSS class is "st-key-" + this key)."""
    return f"results_{config.key()}_{n_seeds}"


@dataclass(frozen=True)
class Run:
    """A run the Lab asked for: one config over `n_seeds` seeds, and the preset it answers (if any)."""

    config: LabConfig
    n_seeds: int = 1
    preset: str = ""

    @property
    def configs(self) -> list[LabConfig]:
        """The config once per seed."""
        return seed_configs(self.config, self.n_seeds)

    @property
    def key(self) -> str:
        """What makes two runs the same run (their results are identical)."""
        return f"{self.config.key()}.{self.n_seeds}"

    @property
    def element_key(self) -> str:
        """The key of the page element that holds this run's results."""
        return results_key(self.config, self.n_seeds)


@dataclass
class LabState:
    """Everything the Lab keeps between reruns of one tab.

    Two runs of one tab's script can overlap: a learner's click stops the running one and starts the next
    at once (Streamlit's fastReruns), and the stopped one goes on until its next Streamlit call. So a
    run on its way is finished or failed only by name (`finish`, `fail`), under the tab's lock.
    """

    pending: Run | None = None  # queued or training
    shown: Run | None = None  # its results are on the page
    history: list[dict] = field(default_factory=list)  # history rows, oldest first
    run_error: str = ""  # why the last run did not finish
    url_notes: list[str] = field(default_factory=list)  # what the page's link got wrong
    question: str = ""  # the preset whose prediction the Lab asks for (predict first)
    history_read: bool = False  # whether the stored history has been read (not while the database is away)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def start(self, run: Run) -> None:
        """Ask for a run (queued at once, so a worker starts before the page is drawn again, or found in
        the cache); its link goes in the URL."""
        self.pending, self.run_error = run, ""
        lab_form.write_url(run.config, run.n_seeds, run.preset)
        for config in run.configs:
            job_pool().submit(config)

    def train(self, config: LabConfig, n_seeds: int) -> None:
        """The learner's own settings: leave any preset question and run them."""
        self.question = ""
        self.start(Run(config, n_seeds))

    def ask(self, preset_id: str, n_seeds: int) -> None:
        """Load a preset's settings and ask for a prediction first; a preset answered before runs at once."""
        config = PRESETS[preset_id].config()
        lab_form.load_config(config, n_seeds)
        self.question, self.pending, self.run_error = preset_id, None, ""
        lab_form.write_url(config, n_seeds, preset_id)
        if preset_answer(preset_id):
            self.start(Run(config, n_seeds, preset_id))

    def fail(self, run: Run, error: str) -> None:
        """The run did not finish: say why, and stop waiting for it (unless another run is on its way now)."""
        with self.lock:
            if self.pending == run:
                self.pending, self.run_error = None, error

    def finish(self, run: Run, results: list[LabResult]) -> dict | None:
        """The run is done: show it and put it in the tab's history. Its history row, or None when it was
        no longer on its way (another run of the page's script finished it first, or a new run replaced it).
        """
        with self.lock:
            if self.pending != run:
                return None
            self.pending, self.shown = None, run
            row = history_row(run, results)
            self.history = [old for old in self.history if old["key"] != run.key] + [row]
        return row


def preset_answer(preset_id: str) -> dict | None:
    """The learner's prediction for a preset ({"picked", "outcome"}), if it fits the preset's options."""
    record = answers().get(ANSWER_PREFIX + preset_id)
    return record if record and record["picked"] in PRESETS[preset_id].options else None


def open_lab() -> LabState:
    """This tab's Lab state, set up on arriving at the page from what its link asks for.

    A preset in the link is asked first; settings in the link run at once; coming back through the
    navigation shows the Lab as it was left; a bare /lab shows the default run (from the warm cache).
    """
    state = lab_state()
    if lab_form.widget_key("task") in st.session_state:  # still on the Lab: its controls are there
        return state
    memory, left = remembered(), state.pending or state.shown
    config, n_seeds, preset, notes, named = lab_form.read_url()
    if not (named or left) and memory.run:  # a bare /lab in a new tab: the Lab as this browser left it
        st.query_params.from_dict(memory.run)
        config, n_seeds, preset, notes, named = lab_form.read_url()
    state.url_notes = notes
    if preset:
        state.ask(preset, n_seeds)
    elif named:
        lab_form.load_config(config, n_seeds)
        if not notes:
            state.train(config, n_seeds)
    elif state.question:
        state.ask(state.question, left.n_seeds if left else 1)
    elif left:
        lab_form.load_config(left.config, left.n_seeds)
        lab_form.write_url(left.config, left.n_seeds, left.preset)
    else:
        lab_form.load_config(config, n_seeds)
        state.train(config, n_seeds)
    restore_controls(memory)
    return state


def restore_controls(memory: LabMemory) -> None:
    """Back on the run this browser left (a reload, another page, a new tab): its edits not yet trained
    and its uploaded series come back into the controls. A link to another run opens as it is."""
    restore_series(*learner_series())
    if not memory.form or dict(st.query_params) != memory.run:
        return
    form = dict(memory.form)
    seeds = form.pop(lab_form.SEEDS_PARAM, "1")
    config, problems = from_query(form)
    if not problems and seeds.isdigit() and 1 <= int(seeds) <= lab_form.MAX_SEEDS:
        lab_form.load_config(config, int(seeds))


def remember_controls(config: LabConfig | None, n_seeds: int) -> None:
    """Keep the controls (when they make a config), the run's link and the uploaded series in this browser."""
    if config is None:  # nothing to keep, but the script's container is drawn all the same
        remember(None)
        return
    series = st.session_state.get(lab_form.widget_key("series"), "")
    form = {**to_query(config), lab_form.SEEDS_PARAM: str(n_seeds)}
    remember(LabMemory(dict(st.query_params), form, series, st.session_state.get(SERIES_NOTE_KEY, "")))


def await_run(state: LabState) -> list[LabResult] | None:
    """The results to show: the run on its way once it is done (its progress until then), or the run shown."""
    if state.pending is None and state.shown is not None:
        results = cached_results(state.shown.configs)
        if results is not None:
            return results
        state.pending = state.shown  # gone from the cache: train it again
    run = state.pending
    if run is None:
        return None
    results = cached_results(run.configs)
    if results is None and render_progress(run.configs, partial(state.fail, run)):
        results = cached_results(run.configs) if state.pending == run else None  # not after a failure
    if results is None:
        return None
    row = state.finish(run, results)
    if row is not None:  # this run of the script finished it: keep it in the learner's history
        learner = learner_id()
        unsaved.write(lambda: learner_store().add_run(learner, run.key, row))
    return results if state.shown == run else None


def lab_state() -> LabState:
    """This tab's Lab state, with the learner's history from the store (read once a session; while the
    database is away, again at every call, keeping this tab's own runs)."""
    state = st.session_state.setdefault(STATE_KEY, LabState())
    if not state.history_read:
        stored = unsaved.read(lambda: learner_store().runs(learner_id()))
        if stored is not None:
            mine = {row["key"] for row in state.history}
            state.history = [row for row in stored if row["key"] not in mine] + state.history
            state.history_read = True
    return state


def history_row(run: Run, results: list[LabResult]) -> dict:
    """A run as the history keeps it (JSON-able): settings, preset, and per-seed scores by window."""
    return {
        "key": run.key,
        "preset": run.preset,
        "config": asdict(run.config),
        "n_seeds": run.n_seeds,
        "metric": results[0].metric,
        "chance": float(np.mean([result.chance for result in results])),
        "by_window": {
            mode: [getattr(result, mode).by_window.tolist() for result in results]
            for mode in ("stateful", "stateless")
        },
    }
