"""Lesson 6: the article's three examples in Keras 3. Live: its idioms on this Keras; random labels; cue."""

from ui.lesson_page import render_lesson

render_lesson(6)
