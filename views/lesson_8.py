"""Lesson 8: when not to use stateful. Live: the control task; the state is not saved with the model."""

from ui.lessons import render_lesson

render_lesson(8)
