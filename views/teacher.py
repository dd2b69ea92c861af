"""Teacher view: a printable one-page lesson plan, with each lesson's questions, presets and links."""

import re

import streamlit as st

from statelab.presets import PRESETS
from ui.lessons import LESSONS_DIR, Lesson, all_lessons, lab_url, lesson_url, render_lab_links

BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def ask(question: str) -> str:
    """The question to put to the class: the check's bold sentence (or the whole question)."""
    found = BOLD.findall(question)
    return " ".join((found[-1] if found else question).split())


def plan_markdown(lessons: tuple[Lesson, ...], base_url: str) -> str:
    """The lesson plan as a Markdown document with absolute links, to print or share."""
    lines = ["# Stateful LSTM Lab: lesson plan", ""]
    for item in lessons:
        lines += [
            f"## {item.number}. {item.title} ({item.minutes} min)",
            "",
            item.goal,
            "",
            f"- Lesson: {base_url}{lesson_url(item)}",
            *(f"- Ask the class: {ask(check.question)}" for check in item.checks),
            *(f"- Lab, {PRESETS[preset].title}: {base_url}{lab_url(preset)}" for preset in item.presets),
            "",
        ]
    return "\n".join(lines)


def plan_table(lessons: tuple[Lesson, ...]) -> str:
    """One Markdown table row per lesson: number, title, minutes, the questions for the class."""
    rows = []
    for item in lessons:
        questions = " / ".join(ask(check.question) for check in item.checks)
        rows.append(f"| {item.number} | {item.title} | {item.minutes} | {questions} |")
    total = f"| | **Total** | **{sum(item.minutes for item in lessons)}** | |"
    return "\n".join(["| # | Lesson | Minutes | Ask the class |", "|---|---|---|---|", *rows, total])


def base_url() -> str:
    """The app's address as the browser sees it, ending in '/', or '' when unknown."""
    url = st.context.url or ""
    return url.rsplit("/", 1)[0] + "/" if url else ""


lessons = all_lessons()
st.title("Lesson plan")
st.markdown((LESSONS_DIR / "teacher.md").read_text())
st.markdown(plan_table(lessons))
st.download_button(
    "Download the plan (Markdown, with links)",
    plan_markdown(lessons, base_url()),
    file_name="stateful_lstm_lesson_plan.md",
    mime="text/markdown",
    icon=":material/download:",
)

st.subheader("Links for each lesson")
columns = st.columns(2, gap="large")
for index, item in enumerate(lessons):
    with columns[index % 2], st.container(border=True):
        st.page_link(item.page, label=f"**{item.number}. {item.title}**", icon=":material/school:")
        st.caption(item.goal)
        render_lab_links(item.presets)
