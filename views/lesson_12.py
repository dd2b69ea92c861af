"""Lesson 12: why is my stateful model worse? A checklist; each item links to a Lab run or a lesson demo
that reproduces it. Live: the cue task trained too briefly, over seeds."""

from ui.lesson_page import render_lesson

render_lesson(12)
