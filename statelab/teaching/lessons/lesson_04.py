"""Lesson 4: resets. Live: the epoch boundary, the reset API, validation data, a skipped reset's cost."""

import numpy as np

from statelab.engine.config import LabConfig
from statelab.engine.results import LabResult
from statelab.engine.work import demo_job
from statelab.teaching.judges import judge_models, versus
from statelab.teaching.lessons.lesson import Check, declare, labelled, runs
from statelab.teaching.presets import PRESETS

EPOCHS = demo_job("state_across_epochs", epochs=3)
RESET_LAYERS = demo_job("reset_layers")
VALIDATION = demo_job("validation_state")
POLICIES = {
    "reset at every stream start": LabConfig(task="running_total", reset="sequence"),
    "reset only at epoch end": LabConfig(task="running_total", reset="epoch"),
}


def judge_epochs(values: list) -> str:
    """What the state was at the start of epoch 2: zero, carried over, or something else."""
    begin, end = values[0]["epoch_begin"], values[0]["epoch_end"]
    if begin[1] == 0.0:
        return "zero"
    return "carried" if abs(begin[1] - end[0]) <= 1e-6 else "other"


def judge_validation(values: list) -> str:
    """Where validation started with a training-only reset: zero, the training state, or elsewhere."""
    norms = values[0]["train_only"]
    if norms["validation_starts"] == 0.0:
        return "zero"
    return "training" if norms["validation_starts"] == norms["training_ends"] else "other"


def judge_policies(results: list[LabResult]) -> str:
    """The first window with resets only at epoch end, against resets at every stream start."""
    first = {
        reset: float(np.mean([r.stateful.by_window[0] for r in results if r.config.reset == reset]))
        for reset in ("sequence", "epoch")
    }
    return versus(first["epoch"], first["sequence"], "accuracy")


LESSON = declare(
    4,
    checks=[
        Check("epoch_boundary", runs(EPOCHS), judge_epochs),
        Check("validation_start", runs(VALIDATION), judge_validation),
        Check("epoch_reset", labelled(POLICIES, over_seeds=True), judge_policies),
        Check("reset_every_batch", runs(PRESETS["batch_reset"].config()), judge_models, view="comparison"),
    ],
    demos={"reset_layers": runs(RESET_LAYERS)},
)
