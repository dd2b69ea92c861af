"""Lesson 4: resets. Live: the epoch boundary, the reset API, validation data, a skipped reset's cost."""

from ui.lesson_page import render_lesson

render_lesson(4)
