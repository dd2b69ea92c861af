"""Lesson 9: preparing your own series. Live: what the state reads under each window layout, sliding
windows in training over seeds, the layout function on a series of your length, fit without batch_size."""

from ui.lesson_page import render_lesson

render_lesson(9)
