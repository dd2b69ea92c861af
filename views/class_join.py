"""Class mode, the learner's side: join from the link or code and answer the teacher's question."""

from ui.class_learner import render_learner_page

render_learner_page()
