"""Lesson 5: predict and evaluate. Live: predict advances the state; another batch size; the fix."""

from ui.lesson_page import render_lesson

render_lesson(5)
