"""One-click presets: the correct setup, ways to break it, and the source article's examples."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from statelab.config import LabConfig


@dataclass(frozen=True)
class Preset:
    """A named config change with the prediction a learner should make before running it."""

    id: str
    title: str
    expectation: str  # "predict, then run": what should happen, said before it happens
    changes: dict = field(default_factory=dict)

    def config(self, base: LabConfig | None = None) -> LabConfig:
        """The preset applied to the Lab's defaults (or to `base`, keeping its seed)."""
        start = LabConfig() if base is None else LabConfig(seed=base.seed)
        return replace(start, **self.changes)


ARTICLE_NOTE = (
    "The labels are random, so nothing can be learned: both models stay at chance. The article's code "
    "also no longer runs on Keras 3 (`batch_input_shape=` is rejected); this is the working version."
)

PRESETS: dict[str, Preset] = {
    preset.id: preset
    for preset in [
        Preset(
            "correct",
            "Correct stateful setup",
            "Stateful is near 100 % on every window; stateless is right only in the first window, "
            "where the cue is, and at chance after it.",
        ),
        Preset(
            "shuffle_on",
            "Break it: shuffle on",
            "fit(shuffle=True) scatters each stream's windows over random rows and batches, so the "
            "state a row carries belongs to another stream: the stateful model cannot learn to rely on it "
            "and falls towards chance after the first windows. How far depends on the seed: try 3 seeds.",
            {"shuffle": True},
        ),
        Preset(
            "never_reset",
            "Break it: never reset",
            "The last state of one stream group flows into the next group's first window: the model "
            "cannot trust its state at a stream start. On seeds 0-2 it never learns to use state at all.",
            {"reset": "never"},
        ),
        Preset(
            "epoch_reset",
            "Break it: reset at epoch end",
            "The article's advice. With 16 stream groups per epoch, 15 group starts get stale state, "
            "so this behaves almost like never resetting.",
            {"reset": "epoch"},
        ),
        Preset(
            "batch_reset",
            "Break it: reset every batch",
            "Resetting before every batch throws the carried state away: the stateful model becomes "
            "stateless in disguise and matches the stateless one.",
            {"reset": "batch"},
        ),
        Preset(
            "running_total_never",
            "Running total, never reset",
            "The first window of every stream starts from the previous stream's total: it is clearly "
            "worse than with resets at sequence boundaries.",
            {"task": "running_total", "reset": "never"},
        ),
        Preset(
            "control",
            "Control: no state needed",
            "The label depends only on the last few steps, all inside the window: stateless does as "
            "well as stateful. State is not automatically better.",
            {"task": "control"},
        ),
        Preset(
            "article_binary",
            "Article example 1 (binary)",
            ARTICLE_NOTE,
            {
                "task": "article_binary",
                "batch_size": 10,
                "timesteps": 50,
                "units": 64,
                "n_windows": 4,
                "n_groups": 8,
                "eval_groups": 8,
                "epochs": 5,
            },
        ),
        Preset(
            "article_multiclass",
            "Article example 2 (10 classes)",
            ARTICLE_NOTE,
            {
                "task": "article_multiclass",
                "batch_size": 20,
                "timesteps": 30,
                "units": 128,
                "n_windows": 4,
                "n_groups": 4,
                "eval_groups": 8,
                "epochs": 5,
            },
        ),
        Preset(
            "article_seq2seq",
            "Article example 3 (per step)",
            "The targets are random numbers: the error stays at the targets' variance (a constant guess). "
            "return_sequences=True with TimeDistributed(Dense(1)) is the right shape for per-step targets.",
            {
                "task": "article_seq2seq",
                "batch_size": 5,
                "timesteps": 20,
                "units": 32,
                "n_windows": 4,
                "n_groups": 16,
                "eval_groups": 16,
                "epochs": 5,
            },
        ),
        Preset(
            "forecast",
            "Forecast: Mauna Loa CO2",
            "Next week's CO2 is mostly this week's: both models forecast well, and state helps a little "
            "where a window alone is too short to see where in the yearly cycle it sits.",
            {"task": "forecast", "timesteps": 13, "n_windows": 8, "n_groups": 8, "learning_rate": 0.005},
        ),
    ]
}


def warm_up_configs() -> list[LabConfig]:
    """The runs a class asks for first: the Lab's default run, then every preset, each once."""
    return list(dict.fromkeys([LabConfig(), *(preset.config() for preset in PRESETS.values())]))
