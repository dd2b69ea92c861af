"""Lessons: Markdown texts (lessons/NN_*.md) with live demos, "predict, then run" checks and progress.

A lesson file starts with a front matter block (title, nav, minutes, goal, presets) and marks where the page
puts its live parts: `<!-- demo: NAME -->` for a demo, and for a check

    <!-- check: NAME -->
    The question, in Markdown.
    - [key] one possible outcome
    - [other] another
    <!-- if: key -->
    What it means when the live run shows `key`.
    <!-- if: other -->
    ...
    <!-- end -->

The page supplies the live side (which runs, how to read their outcome, how to show them); the learner
picks an outcome, runs it, and sees whether the prediction held, with the explanation of what happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import streamlit as st

from statelab.config import LabConfig, to_query
from statelab.presets import PRESETS
from ui.demos import Work, await_results, prefetch
from ui.learner import ANSWERS_KEY, answers, forget_answers, save_answer
from ui.predict import render_held, render_prediction

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
PROGRESS_KEY = ANSWERS_KEY  # check id -> {"picked": option, "outcome": option or None}
OVERRIDES_KEY = "lesson_run_overrides"  # LabConfig changes applied to every lesson run (tests shrink them)
MARKER = re.compile(r"<!--\s*(demo|check|if|end)\s*:?\s*([\w-]*)\s*-->")
OPTION = re.compile(r"^- \[(\w+)\] (.+)$")


@dataclass(frozen=True)
class CheckText:
    """The words of a check: the question, the possible outcomes, and what each outcome means."""

    id: str
    question: str
    options: dict[str, str]
    explanations: dict[str, str]


@dataclass(frozen=True)
class Check:
    """The live side of a check: the runs it needs, which outcome their values show, and how to show them."""

    works: list[Work]
    judge: Callable[[list], str]
    show: Callable[[list], None]
    labels: list[str] | None = None


@dataclass(frozen=True)
class Lesson:
    """One lesson: its front matter and its body as Markdown, demo and check parts, in order."""

    number: int
    slug: str
    title: str
    minutes: int
    goal: str
    presets: tuple[str, ...]
    parts: tuple[tuple[str, object], ...]  # ("markdown", text), ("demo", name) or ("check", CheckText)
    nav: str  # the short title in the sidebar

    @property
    def page(self) -> str:
        """The page file that shows this lesson."""
        return f"views/lesson_{self.number}.py"

    @property
    def checks(self) -> list[CheckText]:
        """The lesson's checks, in order."""
        return [part for kind, part in self.parts if kind == "check"]

    @property
    def demos(self) -> list[str]:
        """The names of the lesson's demo blocks, in order."""
        return [part for kind, part in self.parts if kind == "demo"]


def parse_front_matter(text: str, name: str) -> tuple[dict[str, str], str]:
    """(fields, body) of a lesson file that starts with a `---` block of `key: value` lines."""
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise ValueError(f"{name}: a lesson starts with a front matter block between two '---' lines.")
    head, body = text[4:].split("\n---\n", 1)
    fields = dict(line.split(":", 1) for line in head.splitlines() if line.strip())
    return {key.strip(): value.strip() for key, value in fields.items()}, body


def parse_check(name: str, intro: str, explanations: dict[str, str], source: str) -> CheckText:
    """A check from its question block (with `- [key] label` options) and its explanations."""
    lines = intro.strip().splitlines()
    options = {match[1]: match[2] for match in map(OPTION.match, lines) if match}
    question = "\n".join(line for line in lines if not OPTION.match(line)).strip()
    if len(options) < 2 or set(options) != set(explanations):
        raise ValueError(
            f"{source}: check {name!r} needs two or more options and one '<!-- if: key -->' explanation for "
            f"each option (options {sorted(options)}, explanations {sorted(explanations)})."
        )
    return CheckText(name, question, options, explanations)


def parse_body(body: str, source: str) -> tuple[tuple[str, object], ...]:
    """The Markdown, demo and check parts of a lesson body, in order."""
    pieces = MARKER.split(body)
    parts: list[tuple[str, object]] = [("markdown", pieces[0])]
    check: dict | None = None
    for kind, name, text in zip(pieces[1::3], pieces[2::3], pieces[3::3], strict=True):
        if (kind in ("if", "end")) != (check is not None):
            raise ValueError(
                f"{source}: '<!-- {kind} -->' outside a check, or a check without '<!-- end -->'."
            )
        if kind == "check":
            check = {"name": name, "intro": text, "explanations": {}}
        elif kind == "if":
            check["explanations"][name] = text.strip()
        else:
            if kind == "end":
                parts.append(("check", parse_check(**check, source=source)))
                check = None
            else:
                parts.append(("demo", name))
            parts.append(("markdown", text))
    if check is not None:
        raise ValueError(f"{source}: check {check['name']!r} has no '<!-- end -->'.")
    return tuple((kind, part) for kind, part in parts if kind != "markdown" or part.strip())


def load_lesson(path: Path) -> Lesson:
    """A lesson from its Markdown file, named NN_slug.md."""
    fields, body = parse_front_matter(path.read_text(), path.name)
    number, slug = path.stem.split("_", 1)
    presets = tuple(fields.get("presets", "").split())
    unknown = [preset for preset in presets if preset not in PRESETS]
    if unknown:
        raise ValueError(f"{path.name}: unknown presets {unknown}; choose from {', '.join(PRESETS)}.")
    title = fields["title"]
    return Lesson(
        int(number),
        slug,
        title,
        int(fields["minutes"]),
        fields["goal"],
        presets,
        parse_body(body, path.name),
        fields.get("nav", title),
    )


@cache
def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson in lessons/, in order (home.md is not a lesson)."""
    return tuple(load_lesson(path) for path in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.md")))


def lesson(number: int) -> Lesson:
    """The lesson with this number."""
    return next(item for item in all_lessons() if item.number == number)


def lesson_url(item: Lesson) -> str:
    """A lesson's URL path (its page link in the Lab, the lesson plan and shared links)."""
    return f"lesson-{item.number}"


def lesson_pages() -> list[st.Page]:
    """The navigation entries of the lessons, for app.py."""
    return [
        st.Page(item.page, title=f"{item.number}. {item.nav}", url_path=lesson_url(item))
        for item in all_lessons()
    ]


def lesson_config(config: LabConfig) -> LabConfig:
    """A lesson's lab run as it will be trained: with the session's overrides (tests make runs tiny)."""
    overrides = st.session_state.get(OVERRIDES_KEY)
    return replace(config, **overrides) if overrides else config


def progress() -> dict[str, dict]:
    """The learner's answers: check id -> {"picked", "outcome"}, kept across pages and reloads."""
    return answers()


def start_over() -> None:
    """Forget the learner's answers to every lesson check."""
    forget_answers([check.id for item in all_lessons() for check in item.checks])


def render_lesson(number: int, demos: dict[str, Callable[[], None]], checks: dict[str, Check]) -> None:
    """A lesson page: its text, with the page's live demos and checks where the Markdown marks them."""
    item = lesson(number)
    missing = {*item.demos, *(check.id for check in item.checks)} - {*demos, *checks}
    if missing:
        raise ValueError(f"Lesson {number} marks {sorted(missing)}, which its page does not define.")
    st.title(f"Lesson {number}: {item.title}")
    st.caption(f":material/schedule: about {item.minutes} minutes · {item.goal}")
    prefetch([work for check in checks.values() for work in check.works])
    for kind, part in item.parts:
        if kind == "markdown":
            st.markdown(part)
        elif kind == "demo":
            demos[part]()
        else:
            render_check(part, checks[part.id])
    render_footer(item)


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
    """Whether the prediction held, and the explanation of what the run showed."""
    render_held(text.options, picked, outcome)
    st.markdown(text.explanations[outcome])


def render_lab_links(preset_ids: tuple[str, ...] | list[str]) -> None:
    """One link per preset that opens the Lab with the preset's settings in the URL (and runs them)."""
    for preset_id in preset_ids:
        preset = PRESETS[preset_id]
        st.page_link(
            "views/lab.py",
            label=f"Lab: {preset.title}",
            icon=":material/science:",
            query_params=to_query(preset.config()),
            help=f"Predict first: {preset.expectation}",
        )


def lab_url(preset_id: str) -> str:
    """The Lab's relative URL for a preset, settings included (what the teacher shares)."""
    query = "&".join(f"{name}={value}" for name, value in to_query(PRESETS[preset_id].config()).items())
    return f"lab?{query}" if query else "lab"


def render_footer(item: Lesson) -> None:
    """Try it in the Lab, and the way to the previous and next lessons."""
    st.divider()
    if item.presets:
        st.markdown("**Try it in the Lab**")
        render_lab_links(item.presets)
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
