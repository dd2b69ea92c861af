"""Code export: a standalone Keras 3 script that trains a config's stateful model exactly as the Lab does.

The script is made of the steps in statelab/export/script_steps.py; statelab/export/notebook.py makes
the notebook of the same steps.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import textwrap
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from string import Template

from statelab.engine import tasks
from statelab.engine.config import RESET_POLICIES, SHUFFLE_CHOICES, LabConfig
from statelab.engine.python_source import source_of
from statelab.engine.seasons import config_period
from statelab.engine.tasks import CO2_CSV, TaskSpec, task_spec
from statelab.export.script_steps import (
    BASELINE_NOTES,
    GUESSES,
    NOTEBOOK_DATA_FILES,
    SCORES,
    SCRIPT_DATA_FILES,
    SCRIPT_HEADER,
    STEPS,
    Step,
)

SETTINGS = ("batch_size", "timesteps", "n_windows", "n_groups", "units", "epochs", "learning_rate", "seed")
ACTIVATIONS = {"binary": ', activation="sigmoid"', "multiclass": ', activation="softmax"', "regression": ""}
PER_STEP_OUTPUTS = 'keras.layers.TimeDistributed(head, name="per_step")(lstm(inputs))'
LOSSES = {
    "binary": "BinaryCrossentropy",
    "multiclass": "SparseCategoricalCrossentropy",
    "regression": "MeanSquaredError",
}


def export_steps(config: LabConfig, notebook: bool = False) -> list[Step]:
    """The steps of the config's exported run, filled in: the script's code, or the notebook's."""
    period = config_period(config)
    spec = task_spec(config.task, config.series, period)
    task_source, generator = _task_source(spec)
    csv_name = data_file_name(config)
    if config.task == "own_series":  # the file beside the script, not the server's; the season the Lab used
        generator = f"make_series_forecast(str(SERIES_CSV), period={period})"
    data_files = NOTEBOOK_DATA_FILES if notebook else SCRIPT_DATA_FILES
    baseline = (
        "forecast" if spec.forecast else "regression" if spec.kind == "regression" else "classification"
    )
    values = {
        "imports": _imports(task_source, bool(csv_name), notebook),
        **{name: getattr(config, name) for name in (*SETTINGS, "eval_groups")},
        "shuffle": f'"{config.shuffle}"' if isinstance(config.shuffle, str) else config.shuffle,
        "shuffle_note": SHUFFLE_CHOICES[config.shuffle],
        "reset": config.reset,
        "reset_note": RESET_POLICIES[config.reset],
        "data_file": Template(data_files.get(config.task, "")).substitute(csv_name=csv_name),
        "task_source": task_source,
        "generator": generator,
        "targets": "targets"
        if spec.per_step
        else "targets[..., -1]  # one label per window: its last step's",
        "per_step": spec.per_step,
        "head_units": spec.classes if spec.kind == "multiclass" else 1,
        "activation": ACTIVATIONS[spec.kind],
        "outputs": PER_STEP_OUTPUTS if spec.per_step else "head(lstm(inputs))",
        "loss": LOSSES[spec.kind],
        "metric": metric_name(spec),
        "score": Template(SCORES[spec.kind]).substitute(axes="(0, 2)" if spec.per_step else "0"),
        "guesses": GUESSES[baseline],
        "baseline_note": BASELINE_NOTES[baseline],
    }
    return [
        Step(step.title, Template(step.text).substitute(values), Template(step.code).substitute(values))
        for step in STEPS
    ]


def keras_script(config: LabConfig) -> str:
    """A complete, standalone Keras 3 script that trains and evaluates the config's stateful model."""
    spec = task_spec(config.task, config.series)
    csv_name = data_file_name(config)
    header = SCRIPT_HEADER.substitute(
        title=spec.title,
        description=spec.description,
        reproduction=textwrap.fill(reproduction_note(), width=100),
        filename=keras_script_filename(config),
        arguments=f" [path/to/{csv_name}]" if csv_name else "",
        metric=metric_name(spec),
    )
    steps = export_steps(config)
    sections = "\n\n\n".join(f"# ---- {step.title} ----\n{step.code}" for step in steps[1:])
    return f"{header}\n\n{steps[0].code}\n\n\n{sections}\n"


def metric_name(spec: TaskSpec) -> str:
    """The name of the held-out score: "error" for a regression, else "accuracy"."""
    return "error" if spec.kind == "regression" else "accuracy"


def reproduction_note() -> str:
    """How exactly the exported script reproduces the Lab's run (tested; the drift without XLA measured)."""
    versions = f"Keras {_version('keras')} and TensorFlow {_version('tensorflow-cpu', 'tensorflow')}"
    return (
        "This script trains exactly as the Lab did: the same data and seeds, stateful batch layout, initial "
        "weights, shuffle and resets, compiled with XLA (`jit_compile=True`) like the Lab's engine. "
        f"With the Lab's {versions} on the same kind of CPU it prints the Lab's numbers bit for bit. "
        "Elsewhere the last digits can differ, and training can amplify them in the unstable break-it "
        "setups: measured on the Lab's machine, `fit` without XLA moved the held-out accuracy of "
        "'shuffle on' (seed 2) by 0.31."
    )


def _version(*packages: str) -> str:
    """The installed version of the first of `packages` that is installed."""
    for package in packages:
        with contextlib.suppress(PackageNotFoundError):
            return version(package)
    return "(version unknown)"


def keras_script_filename(config: LabConfig) -> str:
    """A file name that says what the script trains, e.g. "stateful_lstm_cue_b16_t10.py"."""
    parts = [f"stateful_lstm_{config.task}_b{config.batch_size}_t{config.timesteps}"]
    if config.shuffle is not False:
        parts.append("shuffle" if config.shuffle is True else "shuffle_batch")
    if config.reset != "sequence":
        parts.append(f"reset_{config.reset}")
    return "_".join(parts) + ".py"


def series_filename(config: LabConfig) -> str:
    """The file name the script expects for an uploaded series, e.g. "series_0123456789abcdef.csv"."""
    return f"series_{config.series}.csv"


def data_file_name(config: LabConfig) -> str:
    """The file name of the real series a task reads from a file; empty for the others."""
    if config.task == "forecast":
        return CO2_CSV.name
    if config.task == "own_series":
        return series_filename(config)
    return ""


def _imports(task_source: str, uses_csv: bool, notebook: bool) -> str:
    """The imports, in ruff's order: the standard library only as far as the task needs it."""
    uses_callable = "Callable[" in task_source
    standard = [
        "import json",
        "import sys" if uses_csv and not notebook else "",
        "from collections.abc import Callable" if uses_callable else "",
        "from dataclasses import dataclass",
        "from pathlib import Path" if uses_csv else "",
    ]
    return "\n".join(line for line in standard if line) + "\n\nimport keras\nimport numpy as np"


def _task_source(spec: TaskSpec) -> tuple[str, str]:
    """Source of TaskData, the task's generator and the tasks.py functions it calls; and how to get it."""
    generate = spec.generate
    exportable = inspect.isfunction(generate) and generate.__module__ == tasks.__name__
    root = getattr(tasks, generate.__qualname__.split(".")[0], None) if exportable else None  # or its factory
    captured = inspect.getclosurevars(generate).nonlocals if root else {}
    parameters = list(inspect.signature(root).parameters) if captured else []
    if root is None or any(name not in parameters or not _plain(value) for name, value in captured.items()):
        raise ValueError(
            f"The data of task {spec.id!r} cannot be exported as a script: only generators written in "
            "statelab/engine/tasks.py (or made there from plain numbers and strings) can be copied into one."
        )
    arguments = ", ".join(f"{name}={captured[name]!r}" for name in parameters if name in captured)
    generator = f"{root.__name__}({arguments})" if captured else root.__name__
    functions = _callees(generate, _callees(root, [root]))  # top-down: the generator, then what it calls
    sources = [source_of(tasks.TaskData)] + [_function_source(function) for function in functions]
    return "\n\n\n".join(source.strip() for source in sources), generator


def _plain(value: object) -> bool:
    """Whether a value's repr is valid Python that recreates it."""
    return isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value))


def _callees(function: Callable, found: list[Callable]) -> list[Callable]:
    """Add to `found` every statelab.engine.tasks function that `function` calls, directly or not."""
    for value in inspect.getclosurevars(inspect.unwrap(function)).globals.values():
        callee = inspect.unwrap(value) if callable(value) else None
        if inspect.isfunction(callee) and callee.__module__ == tasks.__name__ and callee not in found:
            found.append(callee)
            _callees(callee, found)
    return found


def _function_source(function: Callable) -> str:
    """A function's source without its decorators (the lab caches the CO2 series; the script need not)."""
    lines = source_of(function).splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("def "))
    return "\n".join(lines[start:])
