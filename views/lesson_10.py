"""Lesson 10: forecasting one step at a time. Live: copying weights and stepping, continuing a trained
stream from its state row, the CO2 forecast over seeds, and the same on the learner's uploaded series."""

from ui.lesson_page import render_lesson

render_lesson(10)
