"""All lessons: the guided path, with this session's progress on the "predict, then run" checks."""

import streamlit as st

from statelab.teaching.lesson_text import LESSONS_DIR
from statelab.teaching.lessons import all_lessons
from ui.learner import render_where_progress_lives
from ui.lesson_page import check_summary, lesson_page, start_over

st.title("Lessons: from the article to correct Keras 3")
st.markdown((LESSONS_DIR / "index.md").read_text())

summaries = {item.number: check_summary(item) for item in all_lessons()}
total, answered, held = (sum(summary[index] for summary in summaries.values()) for index in range(3))
st.progress(answered / total, text=f"{answered} of {total} checks answered; {held} predictions held")
render_where_progress_lives()

for item in all_lessons():
    checks, done, right = summaries[item.number]
    with st.container(border=True):
        st.page_link(
            lesson_page(item), label=f"**Lesson {item.number}: {item.title}**", icon=":material/school:"
        )
        checks_text = f"{checks} check" + ("s" if checks > 1 else "")
        if done == checks:
            status = f":material/task_alt: {checks_text} answered, {right} held"
        elif done:
            status = f":material/pending: {done} of {checks_text} answered"
        else:
            status = f":material/radio_button_unchecked: {checks_text} to answer"
        st.caption(f"{item.text.goal}  \n:material/schedule: about {item.text.minutes} minutes · {status}")

if answered and st.button("Start over", icon=":material/restart_alt:", help="Forget your answers."):
    start_over()
    st.rerun()
