"""Lesson 13: GRU, SimpleRNN and Bidirectional. Live: each layer's state tensors and reset_state, how far
each layer carries the cue over seeds, what a stateful Bidirectional carries, one-step forecasting with a
GRU."""

from ui.lesson_page import render_lesson

render_lesson(13)
