"""Lesson 12: why is my stateful model worse? A checklist, each item one click from a Lab run or a lesson
demo that reproduces it. Live: the cue task trained too briefly, over seeds."""

from dataclasses import replace

from statelab.engine.results import LabResult
from statelab.teaching.lessons.lesson import Check, declare, labelled
from statelab.teaching.presets import PRESETS

FEW_EPOCHS = 5  # the "too little training" item: the cue task's measured limit is 10
KEPT_CUE = 0.95  # knowing the cue: at least this accuracy in every held-out window
CUE = PRESETS["correct"].config()
TRAINED = {f"{FEW_EPOCHS} epochs": replace(CUE, epochs=FEW_EPOCHS), f"{CUE.epochs} epochs": CUE}


def judge_few_epochs(results: list[LabResult]) -> str:
    """On how many seeds the stateful model trained for FEW_EPOCHS kept the cue in every window."""
    short = [result for result in results if result.config.epochs == FEW_EPOCHS]
    kept = sum(result.stateful.by_window.min() >= KEPT_CUE for result in short)
    return "all" if kept == len(short) else "none" if kept == 0 else "some"


LESSON = declare(
    12,
    checks=[
        Check(
            "few_epochs",
            labelled(TRAINED, over_seeds=True, fixed=("epochs",)),
            judge_few_epochs,
            per_seed=False,
        )
    ],
)
