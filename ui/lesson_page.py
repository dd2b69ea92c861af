"""Lesson pages: draw a lesson object (statelab.teaching.lessons) with its live demos, checks and progress.

The lesson object says what a lesson contains: its text, the runs of its demos and checks, each check's
judge. ui/lesson_parts/ draws what those runs show. The learner picks an outcome, runs it, and sees
whether the prediction held, with the explanation of what happened and, if it did not hold, a note on
the option they picked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from statelab.engine.work import Job
from statelab.teaching.lesson_text import LessonText
from statelab.teaching.lessons import Check, Lesson, all_lessons, lesson
from ui.export import render_lesson_code_notebook
from ui.lab_presets import render_lab_links
from ui.learner import ANSWERS_KEY, answers, forget_answers, save_answer
from ui.lesson_parts import lesson_parts
from ui.live_results import Live, look, render_comparison, session_scale, shown
from ui.own_series import render_own_series_link
from ui.predict import render_held, render_prediction
from ui.unsaved import render_unsaved

PRINT_CSS = Path(__file__).with_name("print_only.css")
SCREEN_KEY, PRINT_KEY = "screen_only", "print_only"  # container keys print_only.css shows or hides
DENSE_KEY = "print_dense"  # around PRINT_KEY: print_only.css sets a long plan in smaller type
PROGRESS_KEY = ANSWERS_KEY  # check id -> {"picked": option, "outcome": option or None}
SHARED_PARTS = {"comparison": render_comparison}  # drawings any lesson's check may name as its view
LiveWorks = tuple[list[Job], list[str] | None]  # a demo's or check's jobs and labels, as run here


def lesson_page(item: Lesson | LessonText) -> str:
    """The page file that shows a lesson."""
    return f"views/lesson_{item.number}.py"


def lesson_pages() -> list[st.Page]:
    """The navigation entries of the lessons, for app.py."""
    return [
        st.Page(lesson_page(item), title=f"{item.number}. {item.nav}", url_path=item.url)
        for item in all_lessons()
    ]


def progress() -> dict[str, dict]:
    """The learner's answers: check id -> {"picked", "outcome"}, kept across pages and reloads."""
    return answers()


def start_over() -> None:
    """Forget the learner's answers to every lesson check."""
    forget_answers([check.id for item in all_lessons() for check in item.checks])


def drawings(item: Lesson) -> dict[str, Callable]:
    """How a lesson's demos and checks are drawn, by name; ValueError where one is missing."""
    parts = {**SHARED_PARTS, **lesson_parts(item.number)}
    missing = {*item.demos, *(check.view or check.id for check in item.checks)} - parts.keys()
    if missing:
        raise ValueError(f"Lesson {item.number} marks {sorted(missing)}: ui/lesson_parts draws none of them.")
    return parts


def render_lesson(number: int) -> None:
    """A lesson page: its text, with its live demos and checks where the Markdown marks them.

    One look at the shared pool, as the page opens, finds every run the page shows (see `asked_parts`);
    the page draws from what it found, and records the outcomes of the checks it judged at the end.
    """
    item = lesson(number)
    runs = item.runs_at(session_scale())  # each demo's and check's jobs, as this session runs them
    parts, checks = drawings(item), {check.id: check for check in item.checks}
    opened = predicted(item)
    shown = item.text.parts_for(opened)
    asked = asked_parts(runs, shown, opened)
    live = dict(zip(runs, look(asked), strict=True))
    st.title(f"Lesson {number}: {item.title}")
    st.caption(f":material/schedule: about {item.text.minutes} minutes · {item.text.goal}")
    unsaved_note = st.container()  # filled at the end: whether the learner's records could be saved
    outcomes = {}  # check id -> (picked, outcome) of the checks judged on this run
    for index, (kind, part) in enumerate(shown):
        if kind == "markdown":
            st.markdown(part)
        elif kind == "locked":
            render_locked(part)
        elif kind == "code":
            render_code(part, item.code_blocks[part], key=f"notebook_{index}")
        elif kind == "demo":
            render_demo_part(parts[part], live.get(part))
        else:
            check = checks[part.id]
            outcomes[check.id] = render_check(check, parts[check.view or check.id], live[check.id])
    render_footer(item)
    record_outcomes(outcomes)
    render_unsaved(unsaved_note)


def predicted(item: Lesson) -> set[str]:
    """The ids of the lesson's checks the learner has predicted."""
    return {check.id for check in item.checks if kept_prediction(check)}


def asked_parts(runs: dict[str, LiveWorks], shown: list[tuple[str, object]], opened: set[str]) -> list[Live]:
    """Each demo's and check's runs, in the order of `runs`: asked for the learner when the page shows
    their values (the demos `shown`, and the checks `opened`: predicted), else queued in the background."""
    asked = {part for kind, part in shown if kind == "demo"} | opened
    return [
        Live(tuple(jobs), tuple(labels) if labels else None, asked=name in asked)
        for name, (jobs, labels) in runs.items()
    ]


def render_locked(check_ids: tuple[str, ...]) -> None:
    """In place of the parts that follow from checks not yet predicted: what opens them."""
    which = "the check above" if len(check_ids) == 1 else f"the {len(check_ids)} checks above"
    st.info(
        f"**Predict first.** What follows explains the answer to {which}: make your prediction and press "
        "**Run it** to read on.",
        icon=":material/lock:",
    )


def render_demo_part(draw: Callable, part: Live | None) -> None:
    """A `<!-- demo: -->` marker: drawn at once, or from its runs' values (with their labels) once done."""
    if part is None:
        draw()
        return
    values = shown(part)
    if values is not None:
        draw(values)


def render_code(name: str, block: str, key: str) -> None:
    """A `<!-- code: -->` marker: its code block; for a whole file, also its notebook to download."""
    st.markdown(block)
    if "#" not in name:  # one definition of a file: the lesson shows the whole file too
        render_lesson_code_notebook(name, key)


def _record_pick(check_id: str) -> None:
    save_answer(check_id, st.session_state[f"check_{check_id}"])


def _forget(check_id: str) -> None:
    forget_answers([check_id])
    st.session_state.pop(f"check_{check_id}", None)


def kept_prediction(check: Check) -> dict | None:
    """The learner's record of a check ({"picked", "outcome"}), unless none or of an older question."""
    record = progress().get(check.id)
    return record if record and record["picked"] in check.options else None


def render_check(check: Check, draw: Callable[[list], None], part: Live) -> tuple[str, str] | None:
    """Predict, then run: pick an outcome, run the check's runs, see whether the prediction held and why.
    (picked, outcome) once the runs showed the outcome."""
    record = kept_prediction(check)
    with st.container(border=True):
        st.markdown("##### :material/psychology_alt: Predict, then run")
        st.markdown(check.question)
        picked = record["picked"] if record else None
        run_help = "Run the live demo and compare."
        render_prediction(
            check.options, picked, f"check_{check.id}", f"run_{check.id}", _record_pick, (check.id,), run_help
        )
        if record is None:
            return None
        values = shown(part)
        if values is None:
            return None
        draw(values)
        outcome = check.judge(values)
        render_outcome(check, record["picked"], outcome)
        again = f"again_{check.id}"
        st.button("Ask me again", key=again, type="tertiary", on_click=_forget, args=(check.id,))
    return record["picked"], outcome


def record_outcomes(outcomes: dict[str, tuple[str, str] | None]) -> None:
    """Keep the outcomes the checks showed on this run, where the learner's record lacks them."""
    for check_id, judged in outcomes.items():
        if judged and progress().get(check_id) != {"picked": judged[0], "outcome": judged[1]}:
            save_answer(check_id, *judged)


def render_outcome(check: Check, picked: str, outcome: str) -> None:
    """Whether the prediction held, what the run showed, and a note on the pick when it did not hold."""
    render_held(check.options, picked, outcome)
    st.markdown(check.explanations[outcome])
    if picked != outcome and picked in check.notes:
        st.info(check.notes[picked], icon=":material/forum:")


def render_footer(item: Lesson) -> None:
    """Try it in the Lab, and the way to the previous and next lessons."""
    st.divider()
    if item.text.presets:
        st.markdown("**Try it in the Lab**")
        render_lab_links(item.text.presets)
        render_own_series_link(item.text.presets)
    lessons = all_lessons()
    index = [other.number for other in lessons].index(item.number)
    back, middle, ahead = st.columns(3)
    if index > 0:
        back.page_link(lesson_page(lessons[index - 1]), label="Previous lesson", icon=":material/arrow_back:")
    middle.page_link("views/lesson_index.py", label="All lessons", icon=":material/list:")
    if index < len(lessons) - 1:
        ahead.page_link(lesson_page(lessons[index + 1]), label="Next lesson", icon=":material/arrow_forward:")


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
