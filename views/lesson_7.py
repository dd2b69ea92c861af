"""Lesson 7: gradients stop at the batch boundary. Live: the gradient across a stateful batch boundary."""

from ui.lesson_page import render_lesson

render_lesson(7)
