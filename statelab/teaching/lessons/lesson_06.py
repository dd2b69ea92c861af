"""Lesson 6: the article's three examples in Keras 3. Live: its idioms on this Keras; random labels; cue."""

from statelab.engine.tasks import TASK_SPECS
from statelab.engine.work import demo_job
from statelab.teaching.judges import judge_random_labels
from statelab.teaching.lessons.lesson import Check, declare, labelled, runs
from statelab.teaching.presets import PRESETS

EXAMPLES = {
    "Example 1: binary": "article_binary",
    "Example 2: 10 classes": "article_multiclass",
    "Example 3: per-step regression": "article_seq2seq",
}
CONFIGS = {label: PRESETS[preset].config() for label, preset in EXAMPLES.items()}
CUE = PRESETS["correct"].config()


def article_shape(preset_id: str) -> dict:
    """The article's sizes for an example, from its Lab preset (not from the test-sized run)."""
    config = PRESETS[preset_id].config()
    features = TASK_SPECS[config.task].features
    return {
        "batch_size": config.batch_size,
        "timesteps": config.timesteps,
        "features": features,
        "units": config.units,
    }


PREDICT_GROUPS = demo_job("predict_groups")
IDIOMS = {
    preset_id: demo_job("article_idioms", **article_shape(preset_id)) for preset_id in EXAMPLES.values()
}

LESSON = declare(
    6,
    checks=[Check("random_labels", labelled(CONFIGS), judge_random_labels)],
    demos={
        "article_examples": runs(*IDIOMS.values()),
        "predict_groups": runs(PREDICT_GROUPS),
        "state_matters": runs(CUE),
    },
)
