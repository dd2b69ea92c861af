"""Home: what the app is and where to start, with a link to each place (a phone folds the sidebar away)."""

from pathlib import Path

import streamlit as st

LINKS_MARKER = "<!-- links: where to start -->"
START = [  # (page, label, icon)
    ("views/lab.py", "Open the Lab", ":material/science:"),
    ("views/lesson_1.py", "Start lesson 1: what state is", ":material/school:"),
    ("views/lesson_index.py", "All lessons", ":material/list:"),
    ("views/teacher.py", "The lesson plan (teachers)", ":material/co_present:"),
    ("views/class_join.py", "Join a class", ":material/login:"),
]

before, after = (Path(__file__).parents[1] / "lessons" / "home.md").read_text().split(LINKS_MARKER)
st.markdown(before)
with st.container(horizontal=True, gap="small"):
    for page, label, icon in START:
        st.page_link(page, label=label, icon=icon, width="content")
st.markdown(after)
