"""One-click presets: the correct setup, ways to break it, and the source article's examples."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from statelab.engine.config import LabConfig


@dataclass(frozen=True)
class Preset:
    """A named config change, the question a learner answers before running it, and what it showed."""

    id: str
    title: str
    question: str  # asked before the run; never gives the answer away
    options: dict[str, str]  # outcome key -> label, in display order (2-4 options)
    expectation: str  # shown only after the run, beside the result: what happens over seeds, as measured
    changes: dict = field(default_factory=dict)
    seeds: int = 1  # seeds its links ask for: an effect that depends on the seed is shown over several

    def __post_init__(self) -> None:
        if not 2 <= len(self.options) <= 4:
            raise ValueError(f"Preset {self.id!r} needs 2 to 4 options, not {len(self.options)}.")

    def config(self, base: LabConfig | None = None) -> LabConfig:
        """The preset applied to the Lab's defaults (or to `base`, keeping its seed)."""
        start = LabConfig() if base is None else LabConfig(seed=base.seed)
        return replace(start, **self.changes)


ARTICLE_SIZES = {"n_windows": 4, "eval_groups": 8, "epochs": 5}
RANDOM_QUESTION = (
    "The source article's example, trained the correct Keras 3 way (stream layout, shuffle=False, a "
    "reset at every stream start). How well will the two models do on held-out streams?"
)
RANDOM_OPTIONS = {
    "chance": "No better than a constant guess, both of them",
    "above": "Clearly better than a constant guess, at least one of them",
}
ARTICLE_CODE = (
    " The article's code also no longer runs on Keras 3 (`batch_input_shape=` is rejected); this is the "
    "working version."
)
STALE_STATE_QUESTION = "The cue task, but {policy}. What will the stateful model do?"
STALE_STATE_OPTIONS = {
    "works": "Still clearly beat the stateless model",
    "like_stateless": "Do no better than the stateless model",
    "collapse": "Fail to learn at all: no better than the constant guess in any window, even the first",
}

CARRY_QUESTION = (
    "The cue task (a cue at the first step of each stream decides every label; 8 windows of 10 steps), "
    "the correct stateful setup, with {layer} instead of LSTM in both models. In which windows of a "
    "held-out stream will the stateful model be right?"
)
CARRY_OPTIONS = {
    "first": "Only in the first window, where the cue is in view",
    "fades": "In the first few windows, then down to the constant guess",
    "every": "In every window",
    "none": "Nowhere: no better than the constant guess, even in the first window",
}

PRESETS: dict[str, Preset] = {
    preset.id: preset
    for preset in [
        Preset(
            id="correct",
            title="Correct stateful setup",
            question=(
                "The cue task (a cue at the start of each stream decides every label) with the correct "
                "stateful setup. Where will the stateless model, which sees each window alone, be right?"
            ),
            options={
                "first": "Only in the first window of each stream",
                "every": "In every window, like the stateful model",
                "none": "Nowhere: at the constant guess even in the first window",
            },
            expectation=(
                "Measured on seeds 0-4: the stateful model scored 100 % in every window on all five. The "
                "stateless model was right in the first window, the only one with the cue in view (100 % "
                "on 4 of 5 seeds), and at about the constant guess after it (42-56 %), since later windows "
                "hold only noise. On seed 3 its training collapsed: 55 %, the constant guess, even in "
                "window 1."
            ),
        ),
        Preset(
            id="shuffle_on",
            title="Break it: shuffle on",
            question=(
                "The cue task trained with fit(shuffle=True), the default. How accurate will the stateful "
                "model be in the last window of each stream?"
            ),
            options={
                "high": "Still near 100 %",
                "between": "Clearly above the constant guess, but well below 100 %",
                "chance": "At the constant guess",
            },
            expectation=(
                "Measured on seeds 0-4: in the last window the stateful model scored 41-58 %, at the "
                "constant guess (52-58 %) on every seed. Shuffling scatters each stream's windows over "
                "random rows and batches, so the state a row carries belongs to another stream and the "
                "model cannot learn to rely on it. How long it keeps the cue depends on the seed: on seed "
                "0 it still scored 95 % in window 2 and 77 % in window 3; on seeds 1 and 3 it fell to the "
                "guess in window 2; on seeds 2 and 4 it did not learn the cue even in window 1 (56 % and "
                "75 %)."
            ),
            changes={"shuffle": True},
        ),
        Preset(
            id="shuffle_batch",
            title='Break it: shuffle="batch"',
            question=(
                'The cue task trained with shuffle="batch", on five seeds. How accurate will the stateful '
                "model be in the last window of each stream?"
            ),
            options={
                "high": "Still near 100 %",
                "between": "Clearly above the constant guess, but well below 100 %",
                "chance": "At the constant guess",
                "depends": "It depends on the seed: near 100 % on some, at the guess on others",
            },
            expectation=(
                'Measured on seeds 0-4: shuffle="batch" breaks the stateful contract too (lesson 3 records '
                "how), but how much the learning suffers depends on the seed. The stateful model kept the "
                "cue in every window on two of the five seeds; on two or more it was down to the constant "
                "guess by the last window. Which seeds fail changed from one kind of CPU to another; that "
                "some do did not. A setup that works on one seed and fails on the next is not one to trust: "
                "use shuffle=False."
            ),
            changes={"shuffle": "batch"},
            seeds=5,
        ),
        Preset(
            id="never_reset",
            title="Break it: never reset",
            question=STALE_STATE_QUESTION.format(policy="the state is never reset"),
            options=STALE_STATE_OPTIONS,
            expectation=(
                "Measured on seeds 0-4, on two machines (the same code; the order of floating-point sums "
                "differs): the stateful model never beat the stateless one. On three of the five seeds its "
                "training collapsed: it was never clearly above the constant guess (52-58 %), in any window, "
                "even in window 1 where the stateless model was right (100 %). Which three seeds collapsed "
                "differed between the machines. On another seed it beat the guess in one or two windows "
                "only; on seed 3 neither model learned. The last state of one stream group flows into the "
                "next group's first window, so the state at a stream start belongs to another stream and "
                "cannot be trusted."
            ),
            changes={"reset": "never"},
        ),
        Preset(
            id="epoch_reset",
            title="Break it: reset at epoch end",
            question=STALE_STATE_QUESTION.format(
                policy="the state is reset only at the end of each epoch (the source article's advice)"
            ),
            options=STALE_STATE_OPTIONS,
            expectation=(
                "Measured on seeds 0-4, on two machines: mostly the same as never resetting. An epoch has 16 "
                "stream groups, so 15 group starts in every epoch get the previous group's state. The "
                "stateful model's training collapsed on two to four of the five seeds (at most 61 % in any "
                "window, with the constant guess at 52-58 %), while the stateless model was right in window "
                "1; on seed 3 neither model learned. On one machine seed 4 learned the cue anyway (86-100 % "
                "in every window): a model that learns to overwrite its state with the cue at a stream start "
                "can survive a stale state. A setup that works on one seed or machine and fails on the next "
                "is not one to trust: reset at every stream start."
            ),
            changes={"reset": "epoch"},
        ),
        Preset(
            id="batch_reset",
            title="Break it: reset every batch",
            question=(
                "The cue task with the state reset before every batch. How will the stateful model compare "
                "with the stateless one?"
            ),
            options={
                "stateful": "Stateful clearly better",
                "equal": "About equal",
                "stateless": "Stateless clearly better",
            },
            expectation=(
                "Measured on seeds 0-4: both models scored the same in every window. A reset before every "
                "batch throws the carried state away, so the stateful model is stateless in disguise: on "
                "seeds 0, 1, 2 and 4 both were right in window 1 only, and on seed 3 neither learned."
            ),
            changes={"reset": "batch"},
        ),
        Preset(
            id="running_total_never",
            title="Running total, never reset",
            question=(
                "The running total (label 1 when the sum of the +-1 events since the stream began is above "
                "0, else 0), with the state never reset. In the first window of each stream, how will the "
                "stateful model compare with the stateless one, which starts every window from zero?"
            ),
            options={
                "worse": "Stateful clearly worse",
                "same": "About the same",
                "better": "Stateful clearly better",
            },
            expectation=(
                "Measured on seeds 0-4: in the first window of each stream the stateful model scored 42-73 % "
                "against the stateless model's 73-100 %: clearly worse on 4 of 5 seeds (seed 2: 70 % against "
                "73 %). That window starts from the previous stream's total. Later windows recover as the "
                "stream's own events outweigh the stale start, and over all windows the stateful model "
                "still beats the stateless one (mean 76 % against 68 %)."
            ),
            changes={"task": "running_total", "reset": "never"},
        ),
        Preset(
            id="simple_rnn",
            title="Another layer: SimpleRNN",
            question=CARRY_QUESTION.format(layer="keras.layers.SimpleRNN"),
            options=CARRY_OPTIONS,
            expectation=(
                "Measured on seeds 0-9: the stateful SimpleRNN was right in every window, 100 %, on at least "
                "nine of the ten seeds, as the LSTM was on all ten; where it was not, its training collapsed "
                "to one constant answer, as any layer's can (lesson 13). Its gradient never has to reach "
                "further back than one window (10 steps): what crosses each batch boundary is the state's "
                "value, and the SimpleRNN learned to keep the cue in it. The stateless SimpleRNN's training "
                "collapsed on some seeds (at the constant guess even in window 1)."
            ),
            changes={"layer": "simple_rnn"},
        ),
        Preset(
            id="control",
            title="Control: no state needed",
            question=(
                "The control task: the label depends only on the last few steps, all inside the window. "
                "How will the stateful model compare with the stateless one?"
            ),
            options={
                "stateful": "Stateful clearly better: it has more information",
                "equal": "About equal",
                "stateless": "Stateless clearly better",
            },
            expectation=(
                "Measured on seeds 0-4: about equal on every seed (stateful 89-92 %, stateless 89-93 %). "
                "The window holds everything the label needs, so the state has nothing to add: state is "
                "not automatically better."
            ),
            changes={"task": "control"},
        ),
        Preset(
            id="article_binary",
            title="Article example 1 (binary)",
            question=RANDOM_QUESTION,
            options=RANDOM_OPTIONS,
            expectation=(
                "Measured on seeds 0-4: both models 46-59 %, with the constant guess at 51-57 %: the labels "
                "are random, so nothing can be learned." + ARTICLE_CODE
            ),
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
            expectation=(
                "Measured on seeds 0-4: both models 9-12 %, no better than the constant guess (11-13 %, "
                "the share of the most common of the 10 classes among the held-out labels): the labels "
                "are random, so nothing can be learned." + ARTICLE_CODE
            ),
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
                "Measured on seeds 0-4: both models' errors 0.083-0.086, the targets' variance (the error of "
                "always predicting the mean) 0.082-0.085: the targets are random numbers, so nothing can be "
                "learned. return_sequences=True with TimeDistributed(Dense(1)) is the right shape for "
                "per-step targets." + ARTICLE_CODE
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
            question=(
                "Forecast next week's CO2 (minus its mean over the year before), trained on the early "
                "years and scored on the later years that training never saw. How will the models compare "
                'with persistence, the forecast "next week = this week"?'
            ),
            options={
                "beat_persistence": "At least one model clearly beats persistence",
                "mean_only": "They beat always predicting the mean, but not persistence",
                "nothing": "No better than always predicting the mean",
            },
            expectation=(
                "Measured on seeds 0-4, scored on June 1993 - December 2001 (447 weeks training never saw): "
                "both models beat persistence (error 0.061-0.065): stateful 0.040-0.044, stateless "
                "0.047-0.049; always predicting the mean errs by 1.13-1.15. State helps after the first "
                "window: the stateful model's first window starts from a zero state and is no better than "
                "persistence (0.060-0.066), its later windows reach 0.033-0.046, while the stateless model "
                "sees only 13 weeks at a time."
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
    """The runs a class asks for first: the Lab's default run, then every preset on the seeds its links ask
    for, each once."""
    configs = [
        preset.config(LabConfig(seed=seed)) for preset in PRESETS.values() for seed in range(preset.seeds)
    ]
    return list(dict.fromkeys([LabConfig(), *configs]))
