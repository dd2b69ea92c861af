"""Lesson 3: shuffle. Live: the order fit really feeds under each shuffle setting; shuffling the cue task."""

from ui.lesson_page import render_lesson

render_lesson(3)
