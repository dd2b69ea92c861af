"""Class mode, the teacher's side: start a class, ask, watch the answers come in, reveal, ask again."""

from ui.class_teacher import render_teacher_page

render_teacher_page()
