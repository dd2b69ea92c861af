"""Lesson pages: render a parsed lesson (statelab.lessons) with its live demos, checks and progress.

The Markdown (lessons/NN_*.md, format in lessons/README.md) says what a lesson contains; the page
supplies the live side of each check (which runs, how to read their outcome, how to show them). The
learner picks an outcome, runs it, and sees whether the prediction held, with the explanation of what
happened and, if it did not hold, a note on the option they picked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from statelab.config import LabConfig
from statelab.jobs import Job, demo_job
from statelab.lessons import CheckText, Lesson, all_lessons, code_block, lesson
from statelab.presets import PRESETS
from ui.demos import Work, await_results, prefetch
from ui.export import render_lesson_code_notebook
from ui.lab_memory import learner_series
from ui.learner import ANSWERS_KEY, answers, forget_answers, save_answer
from ui.own_series import own_series_query
from ui.predict import render_held, render_prediction

PRINT_CSS = Path(__file__).with_name("print_only.css")
SCREEN_KEY, PRINT_KEY = "screen_only", "print_only"  # container keys print_only.css shows or hides
DENSE_KEY = "print_dense"  # around PRINT_KEY: print_only.css sets a long plan in smaller type
PROGRESS_KEY = ANSWERS_KEY  # check id -> {"picked": option, "outcome": option or None}
FORECAST_PRESET = "forecast"  # a lesson that links it also links the learner's own series
OVERRIDES_KEY = "lesson_run_overrides"  # LabConfig changes applied to every lesson run (tests shrink them)


@dataclass(frozen=True)
class Check:
    """The live side of a check: the runs it needs, which outcome their values show, and how to show them."""

    works: list[Work]
    judge: Callable[[list], str]
    show: Callable[[list], None]
    labels: list[str] | None = None


def lesson_pages() -> list[st.Page]:
    """The navigation entries of the lessons, for app.py."""
    return [
        st.Page(item.page, title=f"{item.number}. {item.nav}", url_path=item.url) for item in all_lessons()
    ]


def lesson_config(config: LabConfig) -> LabConfig:
    """A lesson's lab run as it will be trained: with the session's overrides (tests make runs tiny)."""
    overrides = st.session_state.get(OVERRIDES_KEY)
    return replace(config, **overrides) if overrides else config


def lesson_demo_job(name: str, tiny: dict, **kwargs) -> Job:
    """A live demo's job as a lesson runs it; with `tiny`'s changes where the session shrinks lesson runs."""
    shrink = tiny if st.session_state.get(OVERRIDES_KEY) else {}
    return demo_job(name, **kwargs, **shrink)


def progress() -> dict[str, dict]:
    """The learner's answers: check id -> {"picked", "outcome"}, kept across pages and reloads."""
    return answers()


def start_over() -> None:
    """Forget the learner's answers to every lesson check."""
    forget_answers([check.id for item in all_lessons() for check in item.checks])


def render_lesson(number: int, demos: dict[str, Callable[[], None]], checks: dict[str, Check]) -> None:
    """A lesson page: its text, with the page's live demos and checks where the Markdown marks them.

    Outside a page run (ui.warm_up imports a page for its module-level works) it draws nothing.
    """
    if get_script_run_ctx(suppress_warning=True) is None:
        return
    item = lesson(number)
    missing = {*item.demos, *(check.id for check in item.checks)} - {*demos, *checks}
    if missing:
        raise ValueError(f"Lesson {number} marks {sorted(missing)}, which its page does not define.")
    st.title(f"Lesson {number}: {item.title}")
    st.caption(f":material/schedule: about {item.minutes} minutes · {item.goal}")
    prefetch([work for check in checks.values() for work in check.works])
    for index, (kind, part) in enumerate(item.parts):
        if kind == "markdown":
            st.markdown(part)
        elif kind == "code":
            render_code(part, key=f"notebook_{index}")
        elif kind == "demo":
            demos[part]()
        else:
            render_check(part, checks[part.id])
    render_footer(item)


def render_code(name: str, key: str) -> None:
    """A `<!-- code: -->` marker: the code block; for a whole file, also its notebook to download."""
    st.markdown(code_block(name))
    if "#" not in name:  # one definition of a file: the lesson shows the whole file too
        render_lesson_code_notebook(name, key)


def _record_pick(check_id: str) -> None:
    save_answer(check_id, st.session_state[f"check_{check_id}"])


def _forget(check_id: str) -> None:
    forget_answers([check_id])
    st.session_state.pop(f"check_{check_id}", None)


def render_check(text: CheckText, check: Check) -> None:
    """Predict, then run: pick an outcome, run the live demo, see whether the prediction held and why."""
    record = progress().get(text.id)
    if record and record["picked"] not in text.options:  # kept from an older version of the question
        record = None
    with st.container(border=True):
        st.markdown("##### :material/psychology_alt: Predict, then run")
        st.markdown(text.question)
        picked = record["picked"] if record else None
        run_help = "Run the live demo and compare."
        render_prediction(
            text.options, picked, f"check_{text.id}", f"run_{text.id}", _record_pick, (text.id,), run_help
        )
        if record is None:
            return
        values = await_results(check.works, check.labels)
        if values is None:
            return
        check.show(values)
        outcome = check.judge(values)
        if record["outcome"] != outcome:
            record = save_answer(text.id, record["picked"], outcome)
        render_outcome(text, record["picked"], record["outcome"])
        st.button("Ask me again", key=f"again_{text.id}", type="tertiary", on_click=_forget, args=(text.id,))


def render_outcome(text: CheckText, picked: str, outcome: str) -> None:
    """Whether the prediction held, what the run showed, and a note on the pick when it did not hold."""
    render_held(text.options, picked, outcome)
    st.markdown(text.explanations[outcome])
    if picked != outcome and picked in text.notes:
        st.info(text.notes[picked], icon=":material/forum:")


def seeds_param(seeds: int) -> dict[str, str]:
    """The seeds a link asks the Lab for, when more than one."""
    return {"seeds": str(seeds)} if seeds > 1 else {}


def render_lab_links(preset_ids: tuple[str, ...] | list[str]) -> None:
    """One link per preset: the Lab opens with the preset loaded and asks for a prediction before it runs."""
    for preset_id in preset_ids:
        st.page_link(
            "views/lab.py",
            label=f"Lab: {PRESETS[preset_id].title}",
            icon=":material/science:",
            query_params={"preset": preset_id} | seeds_param(PRESETS[preset_id].seeds),
            help="Opens the Lab with this preset's settings; you predict the result before it runs.",
        )


def render_own_series_link(preset_ids: tuple[str, ...] | list[str]) -> None:
    """Beside the forecasting preset: the Lab on the series this learner uploaded, if there is one."""
    series, note = learner_series()
    if series and FORECAST_PRESET in preset_ids:
        st.page_link(
            "views/lab.py",
            label=f"Lab: your own series ({note})" if note else "Lab: your own series",
            icon=":material/upload_file:",
            query_params=own_series_query(series),
            help="Opens the Lab on the series you uploaded and trains both models on it.",
        )


def render_footer(item: Lesson) -> None:
    """Try it in the Lab, and the way to the previous and next lessons."""
    st.divider()
    if item.presets:
        st.markdown("**Try it in the Lab**")
        render_lab_links(item.presets)
        render_own_series_link(item.presets)
    numbers = [other.number for other in all_lessons()]
    index = numbers.index(item.number)
    back, middle, ahead = st.columns(3)
    if index > 0:
        back.page_link(lesson(numbers[index - 1]).page, label="Previous lesson", icon=":material/arrow_back:")
    middle.page_link("views/lesson_index.py", label="All lessons", icon=":material/list:")
    if index < len(numbers) - 1:
        ahead.page_link(lesson(numbers[index + 1]).page, label="Next lesson", icon=":material/arrow_forward:")


def check_summary(item: Lesson) -> tuple[int, int, int]:
    """(checks, answered, held) of a lesson in this session."""
    records = [progress().get(check.id) for check in item.checks]
    answered = [record for record in records if record and record["outcome"]]
    return len(records), len(answered), sum(record["picked"] == record["outcome"] for record in answered)


def render_print_only(markdown: str, dense: bool = False) -> None:
    """Markdown that only the printed page shows (one A4 sheet; `dense`: three columns of smaller type,
    for a long plan); page content to hide in print goes in `st.container(key=SCREEN_KEY)`."""
    st.html(PRINT_CSS)
    with st.container(key=DENSE_KEY if dense else None), st.container(key=PRINT_KEY):
        st.markdown(markdown)
