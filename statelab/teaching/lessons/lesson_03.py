"""Lesson 3: shuffle. Live: the order fit really feeds under each shuffle setting; shuffling the cue task."""

from dataclasses import replace

import numpy as np

from statelab.engine.results import LabResult
from statelab.engine.work import demo_job
from statelab.teaching.judges import judge_stateful_last_window
from statelab.teaching.lessons.lesson import Check, declare, labelled, runs
from statelab.teaching.presets import PRESETS

FIT_ORDER = demo_job("fit_orders", batch_size=4, n_batches=3)
CUE = PRESETS["correct"].config()
TRAINED = {"shuffle=False": replace(CUE, shuffle=False), "shuffle=True": replace(CUE, shuffle=True)}


def judge_fit_order(values: list) -> str:
    """What shuffle="batch" did: nothing, rows permuted within batches, or samples moved across batches."""
    plain, batch = values[0]["orders"]["False"][0], values[0]["orders"]["batch"][0]
    if np.array_equal(plain, batch):
        return "kept"
    same_batches = all(set(left) == set(right) for left, right in zip(plain, batch, strict=True))
    return "rows" if same_batches else "across"


def judge_shuffle(results: list[LabResult]) -> str:
    """The stateful model trained with shuffle=True, in the last window ("high", "chance"...)."""
    return judge_stateful_last_window([result for result in results if result.config.shuffle is True])


LESSON = declare(
    3,
    checks=[
        Check("fit_order", runs(FIT_ORDER), judge_fit_order),
        Check("shuffle_cue", labelled(TRAINED, over_seeds=True), judge_shuffle),
    ],
)
