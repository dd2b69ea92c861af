"""Stateful LSTM Lab: page config and navigation. Imports no TensorFlow, so every page opens at once."""

import streamlit as st

import ui.preload  # noqa: F401  (first of all: see its docstring)
from ui.learner import render_learner_cookie, render_where_progress_lives
from ui.lesson_page import lesson_pages
from ui.runs import job_pool
from ui.theme import render_theme_css
from ui.warm_up import start_warming

st.set_page_config(page_title="Stateful LSTM Lab", page_icon=":material/sync:", layout="wide")
start_warming(job_pool())  # workers start TensorFlow as soon as anyone opens a page, then warm the cache
render_theme_css()
render_learner_cookie()  # this browser's learner id: any page, any tab, a reload finds their answers and runs

pages = {
    "": [
        st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("views/lab.py", title="Lab", icon=":material/science:", url_path="lab"),
    ],
    "Lessons": [
        st.Page("views/lesson_index.py", title="All lessons", icon=":material/school:", url_path="lessons"),
        *lesson_pages(),
    ],
    "Teacher": [
        st.Page(
            "views/teacher.py", title="Lesson plan", icon=":material/co_present:", url_path="lesson-plan"
        ),
    ],
    "Class": [
        st.Page("views/class_teacher.py", title="Run a class", icon=":material/groups:", url_path="class"),
        st.Page("views/class_join.py", title="Join a class", icon=":material/login:", url_path="join"),
    ],
}
page = st.navigation(pages, expanded=True)  # every lesson in view: no "View more" past ten pages
render_where_progress_lives(st.sidebar)
page.run()
