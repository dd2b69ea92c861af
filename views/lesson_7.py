"""Lesson 7: gradients stop at the batch boundary. Live: the gradient across a stateful batch boundary."""

from ui.lessons import render_lesson

render_lesson(7)
