"""Lesson 1: what state is. The words as a picture; live: one state per batch row; the cue task."""

from ui.lesson_page import render_lesson

render_lesson(1)
