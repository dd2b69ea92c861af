"""Lesson 1: what state is. Live: one state per batch row; the cue task, where the past matters."""

from statelab.engine.work import demo_job
from statelab.teaching.judges import judge_stateless_windows
from statelab.teaching.lessons.lesson import Check, declare, runs
from statelab.teaching.presets import PRESETS

CUE = PRESETS["correct"].config()
STATE_PER_ROW = demo_job("state_per_row")

LESSON = declare(
    1,
    checks=[Check("cue", runs(CUE), judge_stateless_windows, view="comparison")],
    demos={"state_per_row": runs(STATE_PER_ROW)},
)
