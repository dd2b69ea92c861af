"""One-click presets: the correct setup, ways to break it, and the source article's examples."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from statelab.config import LabConfig


@dataclass(frozen=True)
class Preset:
    """A named config change, the question a learner answers before running it, and what it showed."""

    id: str
    title: str
    question: str  # asked before the run; never gives the answer away
    options: dict[str, str]  # outcome key -> label, in display order (2-4 options)
    expectation: str  # shown only after the run, beside the result: what happens over seeds, as measured
    changes: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= 4:
            raise ValueError(f"Preset {self.id!r} needs 2 to 4 options, not {len(self.options)}.")

    def config(self, base: LabConfig | None = None) -> LabConfig:
        """The preset applied to the Lab's defaults (or to `base`, keeping its seed)."""
        start = LabConfig() if base is None else LabConfig(seed=base.seed)
        return replace(start, **self.changes)


ARTICLE_SIZES = {"n_windows": 4, "eval_groups": 8, "epochs": 5}
RANDOM_QUESTION = (
    "The source article's example, trained the correct Keras 3 way. How well will the models do on "
    "held-out streams?"
)
RANDOM_OPTIONS = {
    "chance": "No better than a constant guess, both of them",
    "above": "Clearly better than a constant guess, at least one of them",
}
ARTICLE_NOTE = (
    "The labels are random, so nothing can be learned: both models stay at the constant guess. The "
    "article's code also no longer runs on Keras 3 (`batch_input_shape=` is rejected); this is the "
    "working version."
)
STATEFUL_LAST_WINDOW = {
    "high": "Still near 100 %: the state still holds the cue",
    "between": "Somewhere in between",
    "chance": "At the constant guess: the state no longer helps",
}

PRESETS: dict[str, Preset] = {
    preset.id: preset
    for preset in [
        Preset(
            id="correct",
            title="Correct stateful setup",
            question="The cue task with the correct stateful setup. Where will the stateless model be right?",
            options={
                "first": "Only in the first window of each stream, where the cue is",
                "every": "In every window, just like the stateful model",
                "none": "Nowhere: at the constant guess even in the first window",
            },
            expectation=(
                "Stateful is near 100 % on every window; stateless is right only in the first window, "
                "where the cue is, and at the constant guess after it."
            ),
        ),
        Preset(
            id="shuffle_on",
            title="Break it: shuffle on",
            question="fit(shuffle=True) on the cue task. How accurate will the stateful model be in the "
            "last window of each stream?",
            options=STATEFUL_LAST_WINDOW,
            expectation=(
                "fit(shuffle=True) scatters each stream's windows over random rows and batches, so the "
                "state a row carries belongs to another stream: the stateful model cannot learn to rely on "
                "it and falls towards the constant guess after the first windows. How far depends on the "
                "seed."
            ),
            changes={"shuffle": True},
        ),
        Preset(
            id="never_reset",
            title="Break it: never reset",
            question="No reset at all on the cue task: one stream group's state flows into the next. What "
            "happens to the stateful model?",
            options={
                "works": "It still beats the stateless model",
                "like_stateless": "It does no better than the stateless model",
                "collapse": "Training collapses: at or below the constant guess in every window",
            },
            expectation=(
                "The last state of one stream group flows into the next group's first window: the model "
                "cannot trust its state at a stream start."
            ),
            changes={"reset": "never"},
        ),
        Preset(
            id="epoch_reset",
            title="Break it: reset at epoch end",
            question="The article's advice: reset only at the end of each epoch (16 stream groups per "
            "epoch). What happens to the stateful model?",
            options={
                "works": "It still beats the stateless model",
                "like_stateless": "It does no better than the stateless model",
                "collapse": "Training collapses: at or below the constant guess in every window",
            },
            expectation=(
                "With 16 stream groups per epoch, 15 group starts get stale state, so this behaves almost "
                "like never resetting."
            ),
            changes={"reset": "epoch"},
        ),
        Preset(
            id="batch_reset",
            title="Break it: reset every batch",
            question="Reset before every batch on the cue task. How will the stateful model compare with "
            "the stateless one?",
            options={
                "stateful": "Stateful still clearly better",
                "equal": "About equal",
                "stateless": "Stateless clearly better",
            },
            expectation=(
                "Resetting before every batch throws the carried state away: the stateful model becomes "
                "stateless in disguise and matches the stateless one."
            ),
            changes={"reset": "batch"},
        ),
        Preset(
            id="running_total_never",
            title="Running total, never reset",
            question="The running total (the label: is the sum of the events since the stream began > 0?) "
            "with no reset. In the first window of each stream, how will the stateful model compare with "
            "the stateless one, which starts every window from zero?",
            options={
                "worse": "Stateful clearly worse",
                "same": "About the same",
                "better": "Stateful clearly better",
            },
            expectation=(
                "The first window of every stream starts from the previous stream's total: it is clearly "
                "worse than with resets at sequence boundaries."
            ),
            changes={"task": "running_total", "reset": "never"},
        ),
        Preset(
            id="control",
            title="Control: no state needed",
            question="The control task: the label depends only on the last few steps, all inside the "
            "window. How will the stateful model compare with the stateless one?",
            options={
                "stateful": "Stateful clearly better: it has more information",
                "equal": "About equal",
                "stateless": "Stateless clearly better",
            },
            expectation=(
                "The label depends only on the last few steps, all inside the window: stateless does as "
                "well as stateful. State is not automatically better."
            ),
            changes={"task": "control"},
        ),
        Preset(
            id="article_binary",
            title="Article example 1 (binary)",
            question=RANDOM_QUESTION,
            options=RANDOM_OPTIONS,
            expectation=ARTICLE_NOTE,
            changes={
                "task": "article_binary",
                "batch_size": 10,
                "timesteps": 50,
                "units": 64,
                "n_groups": 8,
                **ARTICLE_SIZES,
            },
        ),
        Preset(
            id="article_multiclass",
            title="Article example 2 (10 classes)",
            question=RANDOM_QUESTION,
            options=RANDOM_OPTIONS,
            expectation=ARTICLE_NOTE,
            changes={
                "task": "article_multiclass",
                "batch_size": 20,
                "timesteps": 30,
                "units": 128,
                "n_groups": 4,
                **ARTICLE_SIZES,
            },
        ),
        Preset(
            id="article_seq2seq",
            title="Article example 3 (per step)",
            question=RANDOM_QUESTION,
            options=RANDOM_OPTIONS,
            expectation=(
                "The targets are random numbers: the error stays at the targets' variance (always "
                "predicting the mean). return_sequences=True with TimeDistributed(Dense(1)) is the right "
                "shape for per-step targets."
            ),
            changes={
                "task": "article_seq2seq",
                "batch_size": 5,
                "timesteps": 20,
                "units": 32,
                "n_groups": 16,
                **ARTICLE_SIZES,
                "eval_groups": 16,
            },
        ),
        Preset(
            id="forecast",
            title="Forecast: Mauna Loa CO2",
            question="Forecast next week's CO2 (trend removed) on later years that training never saw. How "
            "will the models compare with the persistence forecast (next week = this week)?",
            options={
                "beat_persistence": "At least one model beats persistence",
                "mean_only": "They beat always predicting the mean, but not persistence",
                "nothing": "No better than always predicting the mean",
            },
            expectation=(
                "Next week's CO2 is mostly this week's: both models forecast well, and state helps a little "
                "where a window alone is too short to see where in the yearly cycle it sits."
            ),
            changes={
                "task": "forecast",
                "timesteps": 13,
                "n_windows": 8,
                "n_groups": 8,
                "learning_rate": 0.005,
            },
        ),
    ]
}


def warm_up_configs() -> list[LabConfig]:
    """The runs a class asks for first: the Lab's default run, then every preset, each once."""
    return list(dict.fromkeys([LabConfig(), *(preset.config() for preset in PRESETS.values())]))
