"""Lesson 11: stacked and nested stateful layers. Live: stacking without return_sequences, resetting one
layer of a stack, and a reset loop over model.layers that misses a nested model's LSTM."""

from ui.lesson_page import render_lesson

render_lesson(11)
