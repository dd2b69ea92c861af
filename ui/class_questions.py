"""What a class can be asked (every lesson check, every Lab preset) and how the answer is revealed.

Lesson checks come from the lesson objects (statelab.teaching.lessons: words, runs, judge) and are drawn
as their lesson page draws them (ui.lesson_page); presets from statelab.teaching.presets, judged by
statelab.teaching.judges.
"""

from __future__ import annotations

import re

import numpy as np
import streamlit as st

from statelab.charts import lab as charts
from statelab.engine.config import seed_configs
from statelab.engine.work import Work
from statelab.server.class_records import Question
from statelab.teaching.judges import preset_outcome
from statelab.teaching.lesson_plan import numbered_checks
from statelab.teaching.lessons import all_lessons, lesson
from statelab.teaching.presets import PRESETS
from ui.lab_results import render_verdict
from ui.lesson_page import drawings
from ui.live_results import await_results, prefetch, render_figure, session_scale

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
    scale = session_scale()
    if kind == "preset":
        return seed_configs(scale.config(PRESETS[name].config()), scale.seeds)
    return lesson(number).check(name).runs.at(scale)[0]


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
    item = lesson(number)
    check = item.check(name)
    values = await_results(*check.runs.at(session_scale()))
    if values is None:
        return None
    drawings(item)[check.view or check.id](values)
    outcome = check.judge(values)
    st.markdown(check.explanations[outcome])
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
