"""Lesson 8: when not to use stateful. Live: the control task; the state is not saved with the model."""

from ui.lesson_page import render_lesson

render_lesson(8)
