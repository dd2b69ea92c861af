"""LabConfig: every setting of a run as plain values, checked with plain-language messages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace

from statelab.engine.storage import SERIES_ID, stored_series_length
from statelab.engine.tasks import TASK_SPECS, co2_anomaly, fitting_windows, series_split

RESET_POLICIES: dict[str, str] = {
    "sequence": "at every stream-group boundary and before evaluating (correct)",
    "epoch": "only at the end of each epoch (the source article's advice)",
    "never": "no reset at all: state flows from one stream group into the next",
    "batch": "before every batch",
}
SHUFFLE_CHOICES: dict[object, str] = {
    False: "off: shuffle=False (correct for stateful)",
    True: "on: fit(shuffle=True), the default, permutes samples every epoch",
    "batch": 'shuffle="batch": fit\'s batch-wise shuffle (lesson 3 records what it does)',
}
BOUNDS: dict[str, tuple[float, float]] = {
    "batch_size": (1, 256),
    "timesteps": (1, 200),
    "n_windows": (1, 64),
    "n_groups": (1, 64),
    "units": (1, 256),
    "epochs": (1, 100),
    "learning_rate": (1e-5, 1.0),
    "seed": (0, 2**31 - 1),
    "eval_groups": (1, 16),
    "period": (0, 20_000),
}
RESULTS_VERSION = (
    3  # bump when the same settings start to give other results (3: the seasonal naive baseline)
)
MAX_WORK = 120_000  # epochs x batches per epoch x timesteps: about 15 s per model on 2 cores


class ConfigError(ValueError):
    """A LabConfig that cannot work; `problems` pairs each field with a message a learner can act on."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(" ".join(message for _, message in problems))


@dataclass(frozen=True)
class LabConfig:
    """One lab run: task, data layout, model, training and state policy. Defaults = the Lab's first run."""

    task: str = "cue"
    batch_size: int = 16
    timesteps: int = 10
    n_windows: int = 8
    n_groups: int = 16
    units: int = 32
    epochs: int = 10
    learning_rate: float = 0.01
    shuffle: bool | str = False
    reset: str = "sequence"
    seed: int = 0
    eval_groups: int = 4
    series: str = ""  # the id of an uploaded series, for task "own_series" only
    period: int = 0  # steps in one season of the uploaded series, for its seasonal naive baseline (0: detect)

    def __post_init__(self) -> None:
        problems = config_problems(self)  # pure: the series an id names is checked where it is loaded
        if problems:
            raise ConfigError(problems)

    @property
    def stream_length(self) -> int:
        """Steps in one stream: `n_windows` windows of `timesteps`."""
        return self.n_windows * self.timesteps

    @property
    def n_streams(self) -> int:
        """Training streams: `n_groups` groups of `batch_size` streams."""
        return self.n_groups * self.batch_size

    @property
    def batches_per_epoch(self) -> int:
        """Batches in one epoch: one per window of every group."""
        return self.n_groups * self.n_windows

    def key(self) -> str:
        """A stable hash of every setting and of RESULTS_VERSION, for caching results."""
        text = json.dumps({**asdict(self), "results_version": RESULTS_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def seed_configs(config: LabConfig, n_seeds: int) -> list[LabConfig]:
    """The config once per seed: seed, seed + 1, ..."""
    return [replace(config, seed=config.seed + offset) for offset in range(n_seeds)]


def config_problems(config: LabConfig) -> list[tuple[str, str]]:
    """Everything wrong with a config, as (field, plain-language message) pairs; empty if it can run."""
    problems = [*_type_problems(config)]
    if problems:
        return problems
    problems += _bound_problems(config)
    if config.task not in TASK_SPECS:
        problems.append(("task", f"Unknown task {config.task!r}: choose one of {', '.join(TASK_SPECS)}."))
    if config.reset not in RESET_POLICIES:
        problems.append(
            ("reset", f"Unknown reset policy {config.reset!r}: choose one of {', '.join(RESET_POLICIES)}.")
        )
    if config.shuffle not in (False, True, "batch"):
        problems.append(("shuffle", f'shuffle must be False, True or "batch", not {config.shuffle!r}.'))
    if not problems:
        problems += _series_id_problems(config)
    if not problems:
        problems += _size_problems(config)
    return problems


def _type_problems(config: LabConfig) -> list[tuple[str, str]]:
    problems = []
    for field in fields(config):
        value = getattr(config, field.name)
        if field.name in BOUNDS and field.name != "learning_rate":
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append((field.name, f"{field.name} must be a whole number, not {value!r}."))
        elif field.name == "series" and not isinstance(value, str):
            problems.append((field.name, f"series must be a text id, not {value!r}."))
        elif field.name == "learning_rate" and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            problems.append((field.name, f"learning_rate must be a number, not {value!r}."))
    return problems


def _bound_problems(config: LabConfig) -> list[tuple[str, str]]:
    problems = []
    for name, (low, high) in BOUNDS.items():
        value = getattr(config, name)
        if not low <= value <= high:
            problems.append((name, f"{name} is {value:g}; it must be between {low:g} and {high:g}."))
    return problems


def _size_problems(config: LabConfig) -> list[tuple[str, str]]:
    work = config.epochs * config.batches_per_epoch * config.timesteps
    if work <= MAX_WORK:
        return []
    return [
        (
            "epochs",
            f"This run is too large for a shared classroom server: {config.epochs} epochs x "
            f"{config.batches_per_epoch} batches x {config.timesteps} timesteps = {work:,} steps "
            f"(the limit is {MAX_WORK:,}). Use fewer epochs, stream groups or windows.",
        )
    ]


def _series_id_problems(config: LabConfig) -> list[tuple[str, str]]:
    """An uploaded series goes with the own-series task, and its id must be well formed."""
    if config.task != "own_series":
        wrong = "series names an uploaded series: use it with the task 'own_series' only."
        season = "period is the season of an uploaded series: use it with the task 'own_series' only."
        return [("series", wrong)] * bool(config.series) + [("period", season)] * bool(config.period)
    if not config.series:
        return [("series", "Upload a CSV time series first (under 'Your own series'), or pick another task.")]
    if not SERIES_ID.match(config.series):
        return [("series", f"{config.series!r} is not a series id: upload the CSV again.")]
    if config.period == 1:
        return [("period", "A season of 1 step is persistence: use 2 steps or more, or 0 to detect it.")]
    return []


def series_problems(config: LabConfig) -> list[tuple[str, str]]:
    """What stops a config's real series (CO2 or an upload) from giving its streams; reads the disk."""
    if config.task == "forecast":
        size, name = co2_anomaly().size, "the CO2 series"
    elif config.task == "own_series":
        size, name = stored_series_length(config.series), "your series"
        if size is None:
            return [("series", "That uploaded series is not on this server any more: upload the CSV again.")]
    else:
        return []
    most = fitting_windows(size, config.timesteps)
    held_out_start = series_split(size, config.stream_length, config.timesteps)[1]
    if config.n_windows <= most:
        return _period_problems(config.period, held_out_start)
    held_out = size - held_out_start
    return [
        (
            "n_windows",
            f"A stream of {config.n_windows} windows x {config.timesteps} steps = {config.stream_length} "
            f"steps does not fit {name} ({size} values) twice: training streams come from its first part, "
            f"held-out streams from its last {held_out} values, one window later. At most {most} windows "
            f"of {config.timesteps} steps fit: use fewer windows or shorter windows.",
        )
    ]


def _period_problems(period: int, held_out_start: int) -> list[tuple[str, str]]:
    """A season longer than the part before the held-out values cannot give a seasonal naive forecast."""
    if period <= held_out_start:
        return []
    return [
        (
            "period",
            f"A season of {period} steps is longer than the part of your series before the held-out "
            f"values ({held_out_start} steps): use at most {held_out_start}, or 0 to detect it.",
        )
    ]


def to_query(config: LabConfig) -> dict[str, str]:
    """The settings that differ from the defaults, as URL query parameters."""
    defaults = LabConfig()
    return {
        field.name: str(getattr(config, field.name)).lower()
        if isinstance(getattr(config, field.name), bool)
        else str(getattr(config, field.name))
        for field in fields(config)
        if getattr(config, field.name) != getattr(defaults, field.name)
    }


def _parse(name: str, text: str):
    default = getattr(LabConfig(), name)
    if name == "shuffle":
        return {"false": False, "true": True, "batch": "batch"}.get(text.lower(), text)
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        return float(text)
    return text


def from_query(params: dict[str, str]) -> tuple[LabConfig, list[str]]:
    """A config from URL query parameters; unknown or invalid values fall back to defaults, with a note."""
    names = {field.name for field in fields(LabConfig)}
    values, notes = {}, []
    for name, text in params.items():
        if name not in names:
            continue
        try:
            values[name] = _parse(name, text)
        except ValueError:
            notes.append(f"Ignored {name}={text!r} from the link: not a number.")
    problems = _all_problems(values)
    if not problems:
        return LabConfig(**values), notes
    notes += [message for _, message in problems]
    kept = {name: value for name, value in values.items() if name not in {field for field, _ in problems}}
    if not _all_problems(kept):
        return LabConfig(**kept), notes
    return LabConfig(), [*notes, "The link's settings did not fit together: using the defaults."]


def _all_problems(values: dict) -> list[tuple[str, str]]:
    """The problems of the config these values make, its series included."""
    try:
        return series_problems(LabConfig(**values))
    except ConfigError as error:
        return error.problems
