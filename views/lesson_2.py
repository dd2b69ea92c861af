"""Lesson 2: the batch-layout contract. Live: the layout diagram, and fit on a partial last batch."""

from ui.lesson_page import render_lesson

render_lesson(2)
