"""What a class can be asked (every lesson check, every Lab preset) and how the answer is revealed.

Lesson checks come from the lesson parser (their words) and from the lesson's page script (their live
side: `Check(works, judge, show)`); presets from statelab.presets with statelab.claims' judges.
"""

from __future__ import annotations

import builtins
import re
import types
from pathlib import Path

import numpy as np
import streamlit as st

import ui.lessons
from statelab import charts
from statelab.claims import preset_outcome
from statelab.class_records import Question
from statelab.lesson_plan import numbered_checks
from statelab.presets import PRESETS
from ui.demos import Work, await_results, lesson_seeds, prefetch, render_figure
from ui.lessons import Check, all_lessons, lesson, lesson_config  # the lesson parser's data: one import
from ui.results import render_verdict
from ui.runs import seed_configs

ROOT = Path(__file__).resolve().parents[1]
TITLE_LENGTH = 80


def short_title(markdown: str) -> str:
    """The first line of a question without Markdown marks, cut to TITLE_LENGTH characters.

    An underscore inside a word stays (`batch_size=4`); one that opens or closes emphasis goes.
    """
    text = re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", " ".join(markdown.split()))
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def lesson_questions() -> list[Question]:
    """Every lesson check as a class question (id `lesson-N/check`), in reading order, titled with its
    number in the lesson plan ("Q4.1 · Lesson 4, Resets"), so the plan's numbers find it in the picker."""
    return [
        Question(
            f"lesson-{item.number}/{check.id}",
            f"{label} · Lesson {item.number}, {item.nav}",
            check.question,
            check.options,
        )
        for item in all_lessons()
        for label, check in numbered_checks((item,))
    ]


def preset_questions() -> list[Question]:
    """Every Lab preset's prediction as a class question (id `preset/ID`)."""
    return [
        Question(f"preset/{preset.id}", f"Lab: {preset.title}", preset.question, preset.options)
        for preset in PRESETS.values()
    ]


def all_questions() -> dict[str, Question]:
    """Every question a teacher can ask, by id: lesson checks first, then presets."""
    return {question.id: question for question in [*lesson_questions(), *preset_questions()]}


def picker_label(question: Question) -> str:
    """How the question picker lists a question: where it comes from, and how it starts."""
    return f"{question.title} · {short_title(question.text)}"


def lesson_checks(number: int) -> dict[str, Check]:
    """The live side of a lesson's checks, read from its page script without drawing the page.

    The script runs with its `from ui.lessons import ... render_lesson` bound to a collector (for
    this run only: other sessions drawing lessons at the same moment are untouched).
    """
    collected: dict[str, Check] = {}
    collector = types.ModuleType("ui.lessons")
    collector.__dict__.update(vars(ui.lessons))
    collector.render_lesson = lambda number, demos, checks: collected.update(checks)

    def importer(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "ui.lessons" and fromlist:
            return collector
        return builtins.__import__(name, globals, locals, fromlist, level)

    path = ROOT / lesson(number).page
    script = compile(path.read_text(), str(path), "exec")
    exec(
        script,
        {"__name__": f"class_lesson_{number}", "__builtins__": {**vars(builtins), "__import__": importer}},
    )
    return collected


def question_source(question_id: str) -> tuple[str, int, str]:
    """("lesson", number, check id) or ("preset", 0, preset id) of a question id."""
    kind, _, name = question_id.partition("/")
    if kind == "preset" and name in PRESETS:
        return "preset", 0, name
    if re.fullmatch(r"lesson-\d+", kind):
        return "lesson", int(kind.split("-")[1]), name
    raise ValueError(f"{question_id!r} is not a class question: expected 'lesson-N/check' or 'preset/ID'.")


def works(question: Question) -> list[Work]:
    """The runs and demos that answer a question."""
    kind, number, name = question_source(question.id)
    if kind == "preset":
        return seed_configs(lesson_config(PRESETS[name].config()), lesson_seeds())
    return lesson_checks(number)[name].works


def prepare(question: Question) -> None:
    """Queue a question's experiment as it is asked, so the reveal comes from the cache."""
    prefetch(works(question))


def render_reveal(question: Question) -> str | None:
    """Run (or fetch) the experiment and show it; the option it showed, or None while it runs."""
    kind, number, name = question_source(question.id)
    if kind == "preset":
        results = await_results(works(question))
        if results is None:
            return None
        render_preset_result(results)
        st.markdown(f"**What happens, over seeds:** {PRESETS[name].expectation}")
        return preset_outcome(name, results)
    check = lesson_checks(number)[name]
    values = await_results(check.works, check.labels)
    if values is None:
        return None
    check.show(values)
    outcome = check.judge(values)
    explanation = next(text for text in lesson(number).checks if text.id == name).explanations[outcome]
    st.markdown(explanation)
    return outcome


def render_preset_result(results: list) -> None:
    """A preset's runs: the verdict, and both models' score by window over the seeds."""
    render_verdict(results)
    stack = {
        mode: np.stack([getattr(result, mode).by_window for result in results])
        for mode in ("stateful", "stateless")
    }
    chance = float(np.mean([result.chance for result in results]))
    render_figure(charts.plot_by_window(stack["stateful"], stack["stateless"], results[0].metric, chance))
