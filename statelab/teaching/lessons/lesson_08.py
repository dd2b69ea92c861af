"""Lesson 8: when not to use stateful. Live: the control task; the state is not saved with the model."""

from statelab.engine.work import demo_job
from statelab.teaching.judges import judge_models
from statelab.teaching.lessons.lesson import Check, declare, runs
from statelab.teaching.presets import PRESETS

CONTROL = PRESETS["control"].config()
SAVED = demo_job("state_not_saved")


def judge_saved(values: list) -> str:
    """Whether the loaded model started from zero or from the saved state."""
    return "zero" if values[0]["norm_after_load"] == 0.0 else "kept"


LESSON = declare(
    8,
    checks=[
        Check("control", runs(CONTROL), judge_models, view="comparison"),
        Check("saved", runs(SAVED), judge_saved),
    ],
)
