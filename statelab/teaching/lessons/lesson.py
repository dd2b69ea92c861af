"""What a lesson is: its text and its live side, as one importable object.

A lesson's module (statelab/teaching/lessons/lesson_NN.py) declares the runs behind its demos and checks,
and each check's judge; the words (question, options, explanations, the expected answer) come from its text,
lessons/NN_slug.md. The lesson page draws the object, the warm-up trains its runs before a class opens
it, class mode asks its checks and the claims tests run them at full size: all read this one object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace

from statelab.engine.config import LabConfig, seed_configs
from statelab.engine.work import Job, Work, as_job, demo_job
from statelab.teaching.lesson_text import CheckText, LessonText, code_block, lesson_text

Judge = Callable[[list], str]  # the values of a check's runs, in order -> one of its option keys
SEEDS = 3  # seed-dependent effects are shown over this many seeds, never one picked seed


@dataclass(frozen=True)
class Scale:
    """How big a session's lesson runs are: changes to every lab run (tests make them tiny) and the seeds
    of a comparison over seeds. The default is what a learner runs, and what the warm-up trains."""

    changes: dict = field(default_factory=dict)
    seeds: int = SEEDS

    def config(self, config: LabConfig, fixed: tuple[str, ...] = ()) -> LabConfig:
        """A lab run at this scale; the `fixed` settings stay as declared."""
        changes = {name: value for name, value in self.changes.items() if name not in fixed}
        return replace(config, **changes) if changes else config

    def job(self, job: Job, small: dict) -> Job:
        """A live demo at this scale: with its `small` keyword arguments where the scale shrinks runs."""
        if not (self.changes and small):
            return job
        return demo_job(job.args["name"], **{**job.args["kwargs"], **small})


@dataclass(frozen=True)
class Runs:
    """What a demo or a check runs, declared at full size: lab runs and live demos, with progress labels.

    `over_seeds`: each lab run once per seed of the session's scale. `fixed`: settings of the lab runs
    that the scale leaves as declared (what a check compares). `small`: the live demos' keyword
    arguments where the scale shrinks runs.
    """

    works: tuple[Work, ...] = ()
    labels: tuple[str, ...] = ()
    over_seeds: bool = False
    fixed: tuple[str, ...] = ()
    small: dict = field(default_factory=dict)

    def at(self, scale: Scale) -> tuple[list[Work], list[str] | None]:
        """The works as a session at `scale` trains them, in order, and their labels (None: unlabelled)."""
        if self.over_seeds:
            pairs = [
                (f"{label}, seed {config.seed}", config)
                for label, work in zip(self.labels, self.works, strict=True)
                for config in seed_configs(scale.config(work, self.fixed), scale.seeds)
            ]
            return [config for _, config in pairs], [label for label, _ in pairs]
        works = [
            scale.config(work, self.fixed) if isinstance(work, LabConfig) else scale.job(work, self.small)
            for work in self.works
        ]
        return works, list(self.labels) or None


def runs(*works: Work, small: dict | None = None) -> Runs:
    """Runs of these lab configs and demo jobs, in order."""
    return Runs(works, small=small or {})


def labelled(configs: dict[str, LabConfig], over_seeds: bool = False, fixed: tuple[str, ...] = ()) -> Runs:
    """Lab runs under their labels; with `over_seeds`, each over the session's seeds."""
    return Runs(tuple(configs.values()), tuple(configs), over_seeds, fixed)


@dataclass(frozen=True)
class Check:
    """A "predict, then run" check: its words (from the lesson text), the runs that answer it, and the judge
    that reads their values.

    `view` names the page's drawing of the values (the check's id when empty). `per_seed`: every seed alone
    shows the answer, as the claims tests run it; False where the answer counts over the seeds.
    """

    id: str
    runs: Runs
    judge: Judge
    view: str = ""
    per_seed: bool = True
    # its words, from the lesson text (set by `declare`): see statelab.teaching.lesson_text.CheckText
    question: str = ""
    options: dict[str, str] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    answer: str = ""  # the outcome expected on the installed Keras: the teacher's answer key
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def lab_runs(self) -> bool:
        """Whether the check trains lab runs only (the claims tests run those at full size over seeds)."""
        return all(isinstance(work, LabConfig) for work in self.runs.works)


@dataclass(frozen=True)
class Lesson:
    """One lesson as one object: its text, the runs of its demos, and its checks."""

    number: int
    title: str
    nav: str  # the short title in the sidebar
    url: str  # its URL path (the navigation, the lesson plan and shared links)
    demos: list[str]  # the names of its demos, in reading order
    text: LessonText
    checks: tuple[Check, ...]
    demo_runs: Mapping[str, Runs]  # the runs of each demo that needs some (the others draw without runs)
    code_blocks: Mapping[str, str]  # each `<!-- code: -->` marker's code block, as Markdown

    def check(self, check_id: str) -> Check:
        """One of its checks, by id."""
        found = [check for check in self.checks if check.id == check_id]
        if not found:
            raise ValueError(
                f"Lesson {self.number} has no check {check_id!r}: {[c.id for c in self.checks]}."
            )
        return found[0]

    def runs_at(self, scale: Scale) -> dict[str, tuple[list[Job], list[str] | None]]:
        """The jobs (and labels) of each demo that has runs and of each check, by name, in reading order,
        as a session at `scale` runs them."""
        declared: dict[str, Runs] = {}
        for kind, part in self.text.parts:
            if kind == "demo" and part in self.demo_runs:
                declared[part] = self.demo_runs[part]
            elif kind == "check":
                declared[part.id] = self.check(part.id).runs
        return {name: _as_jobs(*runs.at(scale)) for name, runs in declared.items()}

    def works(self, scale: Scale) -> list[Job]:
        """Every job of its demos and checks at `scale`, in reading order (each once)."""
        unique: dict[str, Job] = {}
        for jobs, _ in self.runs_at(scale).values():
            for job in jobs:
                unique.setdefault(job.key, job)
        return list(unique.values())


def _as_jobs(works: list[Work], labels: list[str] | None) -> tuple[list[Job], list[str] | None]:
    """Works as the jobs the pool runs, with their labels."""
    return [as_job(work) for work in works], labels


def _words(text: CheckText) -> dict:
    """A check's words from its text: everything but its id."""
    return {part.name: getattr(text, part.name) for part in fields(CheckText) if part.name != "id"}


def declare(number: int, checks: list[Check], demos: dict[str, Runs] | None = None) -> Lesson:
    """Lesson `number`: its text (lessons/NN_slug.md) and the live side declared here, checked to match."""
    text, demos = lesson_text(number), demos or {}
    words = {check.id: check for check in text.checks}
    declared = {check.id: check for check in checks}
    if declared.keys() != words.keys():
        raise ValueError(
            f"Lesson {number}: its text has checks {sorted(words)}, its module {sorted(declared)}."
        )
    if not demos.keys() <= set(text.demos):
        raise ValueError(
            f"Lesson {number}: runs for demos {sorted(demos.keys() - set(text.demos))} it lacks."
        )
    ordered = tuple(replace(declared[check_id], **_words(words[check_id])) for check_id in words)
    blocks = {part: code_block(part) for kind, part in text.parts if kind == "code"}
    return Lesson(text.number, text.title, text.nav, text.url, text.demos, text, ordered, demos, blocks)
