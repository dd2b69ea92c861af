"""Code export: a standalone Keras 3 script that trains a config's stateful model exactly as the Lab does."""

from __future__ import annotations

import contextlib
import inspect
import math
import textwrap
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from string import Template

from statelab import tasks
from statelab.config import RESET_POLICIES, SHUFFLE_CHOICES, LabConfig
from statelab.tasks import TaskSpec, task_spec

SETTINGS = ("batch_size", "timesteps", "n_windows", "n_groups", "units", "epochs", "learning_rate", "seed")
ACTIVATIONS = {"binary": ', activation="sigmoid"', "multiclass": ', activation="softmax"', "regression": ""}
PER_STEP_OUTPUTS = 'keras.layers.TimeDistributed(head, name="per_step")(lstm(inputs))'
LOSSES = {
    "binary": "BinaryCrossentropy",
    "multiclass": "SparseCategoricalCrossentropy",
    "regression": "MeanSquaredError",
}
SCORES = {
    "binary": "correct = (predictions[..., 0] > 0.5) == eval_y  # probability above one half: class 1\n"
    "by_window = correct.mean(axis=$axes)",
    "multiclass": "correct = predictions.argmax(axis=-1) == eval_y  # the most probable class\n"
    "by_window = correct.mean(axis=$axes)",
    "regression": "by_window = ((predictions[..., 0] - eval_y) ** 2).mean(axis=$axes)  # mean squared error",
}
CO2_BLOCK = """
# The CO2 series ships with the lab as statelab/data/mauna_loa_co2_weekly.csv: put that file next to
# this script, or pass its path as the first argument.
CO2_CSV = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("mauna_loa_co2_weekly.csv")
"""
SERIES_BLOCK = Template("""
# Your series as the lab cleaned it, one value per line ("Download your series" in the Lab): put it
# next to this script, or pass its path as the first argument.
SERIES_NAME = "$filename"
SERIES_CSV = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name(SERIES_NAME)
""")
SCRIPT = Template('''\
"""A stateful Keras 3 LSTM, exported from the Stateful LSTM Lab.

Task: $title.
$description

$reproduction

It needs Keras 3 (TensorFlow backend) and NumPy, nothing from the lab. Run it with

    python $filename$arguments

It prints the loss per epoch, the held-out $metric by window position, and a last line
`RESULT {"by_window": [...], "score": ...}` (JSON). Edit SHUFFLE or RESET to watch continuity break.
"""

$imports

# Settings of the lab run. A stream is N_WINDOWS consecutive windows of TIMESTEPS steps.
BATCH_SIZE = $batch_size  # streams trained side by side: the LSTM keeps one state per batch row
TIMESTEPS = $timesteps  # steps per window; one window is one sample
N_WINDOWS = $n_windows  # windows per stream
N_GROUPS = $n_groups  # training streams: N_GROUPS groups of BATCH_SIZE streams
UNITS = $units
EPOCHS = $epochs
LEARNING_RATE = $learning_rate  # Adam
SHUFFLE = $shuffle  # $shuffle_note
RESET = "$reset"  # $reset_note
SEED = $seed  # training streams use [SEED, 1], held-out streams [SEED, 2], shuffling [SEED, 3]
EVAL_GROUPS = $eval_groups  # held-out groups of BATCH_SIZE streams
STREAM_LENGTH = N_WINDOWS * TIMESTEPS
BATCHES_PER_EPOCH = N_GROUPS * N_WINDOWS
$csv_block

# ---- Data: the lab's generator, copied from statelab/tasks.py ----


$task_source


generate = $generator


def cut_windows(streams: np.ndarray) -> np.ndarray:
    """(streams, STREAM_LENGTH, ...) -> (streams, N_WINDOWS, TIMESTEPS, ...): consecutive windows."""
    return streams.reshape(len(streams), N_WINDOWS, TIMESTEPS, *streams.shape[2:])


def make_samples(n_streams: int, stream_seed: int, held_out: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Streams drawn with the seed [SEED, stream_seed], cut into windows: inputs and targets.

    Held-out streams of a real series come from its later part, which training never sees.
    """
    rng = np.random.default_rng([SEED, stream_seed])
    data = generate(rng, n_streams, STREAM_LENGTH, TIMESTEPS, held_out)
    targets = cut_windows(data.targets)
    return cut_windows(data.inputs), $targets


def stateful_layout(windows: np.ndarray) -> np.ndarray:
    """(streams, N_WINDOWS, ...) -> samples in fit order: group by group, then window, then stream.

    Batch k of a group holds window k of each of its BATCH_SIZE streams, so row i of batch k + 1
    continues row i of batch k: the state carried in row i always belongs to the same stream.
    """
    grouped = windows.reshape(-1, BATCH_SIZE, N_WINDOWS, *windows.shape[2:])  # (groups, rows, windows)
    return grouped.swapaxes(1, 2).reshape(-1, *windows.shape[2:])


def by_stream(samples: np.ndarray) -> np.ndarray:
    """Samples in the stateful layout -> (streams, N_WINDOWS, ...): undoes stateful_layout."""
    grouped = samples.reshape(-1, N_WINDOWS, BATCH_SIZE, *samples.shape[1:])  # (groups, windows, rows)
    return grouped.swapaxes(1, 2).reshape(-1, N_WINDOWS, *samples.shape[1:])


def reset_before(n_batches: int) -> set[int]:
    """Batches of one pass (an epoch, or the evaluation) that start from a zero state under RESET."""
    return set(
        {
            "sequence": range(0, n_batches, N_WINDOWS),  # the first window of every stream group
            "epoch": range(1),  # only the first batch: after the previous epoch ended
            "never": range(0),  # state flows from group to group, and from epoch to epoch
            "batch": range(n_batches),  # every batch: stateless in disguise
        }[RESET]
    )


def epoch_order(rng: np.random.Generator) -> np.ndarray:
    """Sample indices for one epoch, permuted as fit(shuffle=SHUFFLE) would permute them."""
    indices = np.arange(BATCHES_PER_EPOCH * BATCH_SIZE)
    if SHUFFLE is True:  # any sample can land in any batch row
        return rng.permutation(indices)
    if SHUFFLE == "batch":  # batch order kept, rows permuted within each batch
        return np.stack([rng.permutation(batch) for batch in indices.reshape(-1, BATCH_SIZE)]).ravel()
    return indices


class ResetState(keras.callbacks.Callback):
    """Resets the LSTM's state before the batches that `reset_before` names, in fit and in predict.

    Keras 3 models have no method to reset states: call reset_state() on each stateful layer.
    Nothing resets the state on its own: not the end of an epoch, not the start of predict.
    """

    def __init__(self, batches: set[int]):
        super().__init__()
        self.batches = batches

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if batch in self.batches:
            self.model.get_layer("lstm").reset_state()

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_begin(batch, logs)


train_windows, train_targets = make_samples(N_GROUPS * BATCH_SIZE, stream_seed=1)
train_x, train_y = stateful_layout(train_windows), stateful_layout(train_targets)

# ---- Model: in Keras 3 the fixed batch size is declared on the input, with batch_shape ----
keras.utils.set_random_seed(SEED)
inputs = keras.Input(batch_shape=(BATCH_SIZE, TIMESTEPS, train_x.shape[-1]), name="windows")
lstm = keras.layers.LSTM(
    UNITS,
    stateful=True,
    return_sequences=$per_step,
    kernel_initializer=keras.initializers.GlorotUniform(seed=SEED),
    recurrent_initializer=keras.initializers.Orthogonal(seed=SEED + 1),
    name="lstm",
)
head_initializer = keras.initializers.GlorotUniform(seed=SEED + 2)
head = keras.layers.Dense($head_units$activation, kernel_initializer=head_initializer, name="head")
outputs = $outputs
model = keras.Model(inputs, outputs, name="stateful")
model.compile(
    optimizer=keras.optimizers.Adam(LEARNING_RATE),
    loss=keras.losses.$loss(),
    jit_compile=True,  # XLA, as in the Lab: the same arithmetic, so the same numbers bit for bit
)

# ---- Training: fit never shuffles; the callback resets the state as RESET says ----
reset_callback = ResetState(reset_before(BATCHES_PER_EPOCH))
if SHUFFLE is False:
    history = model.fit(
        train_x,
        train_y,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        shuffle=False,  # keep the stateful layout: row i of batch k + 1 continues row i of batch k
        callbacks=[reset_callback],
        verbose=2,
    )
    losses = history.history["loss"]
else:
    # This reproduces fit(shuffle=SHUFFLE), one fit call per epoch, with the lab's NumPy permutation
    # instead of fit's own so that the numbers match the lab. The permutation moves windows to other
    # batch rows, so the state a row carries into the next batch belongs to another stream: continuity
    # is broken.
    rng = np.random.default_rng([SEED, 3])
    losses = []
    for epoch in range(EPOCHS):
        order = epoch_order(rng)
        history = model.fit(
            train_x[order],
            train_y[order],
            batch_size=BATCH_SIZE,
            shuffle=False,  # already permuted above
            callbacks=[reset_callback],
            verbose=0,
        )
        losses += history.history["loss"]
        print(f"Epoch {epoch + 1}/{EPOCHS} - loss: {losses[-1]:.4f}")

# ---- Evaluation on held-out streams, in the stateful layout, as in training ----
# predict advances the state too and never resets it: the callback resets before the held-out
# batches that RESET names. (One reset_state() before predict is not enough: each group's final
# state would flow into the next group's first window.)
eval_windows, eval_y = make_samples(EVAL_GROUPS * BATCH_SIZE, stream_seed=2, held_out=True)
predicted = model.predict(
    stateful_layout(eval_windows),
    batch_size=BATCH_SIZE,
    callbacks=[ResetState(reset_before(EVAL_GROUPS * N_WINDOWS))],
    verbose=0,
)
predictions = by_stream(predicted)
$score
print("$metric by window:", " ".join(f"{value:.3f}" for value in by_window))
result = {
    "metric": "$metric",
    "by_window": by_window.tolist(),
    "score": float(by_window.mean()),
    "loss": losses,
}
print("RESULT " + json.dumps(result))
''')


def keras_script(config: LabConfig) -> str:
    """A complete, standalone Keras 3 script that trains and evaluates the config's stateful model."""
    spec = task_spec(config.task, config.series)
    task_source, generator = _task_source(spec)
    csv_name, csv_block = _csv_file(config)
    if config.task == "own_series":
        generator = "make_series_forecast(str(SERIES_CSV))"  # the file beside the script, not the server's
    return SCRIPT.substitute(
        title=spec.title,
        description=spec.description,
        filename=keras_script_filename(config),
        arguments=f" [path/to/{csv_name}]" if csv_name else "",
        metric="error" if spec.kind == "regression" else "accuracy",
        imports=_imports(task_source, bool(csv_name)),
        **{name: getattr(config, name) for name in (*SETTINGS, "eval_groups")},
        shuffle=f'"{config.shuffle}"' if isinstance(config.shuffle, str) else config.shuffle,
        shuffle_note=SHUFFLE_CHOICES[config.shuffle],
        reset=config.reset,
        reset_note=RESET_POLICIES[config.reset],
        reproduction=textwrap.fill(reproduction_note(), width=100),
        csv_block=csv_block,
        task_source=task_source,
        generator=generator,
        targets="targets" if spec.per_step else "targets[..., -1]  # one label per window: its last step's",
        per_step=spec.per_step,
        head_units=spec.classes if spec.kind == "multiclass" else 1,
        activation=ACTIVATIONS[spec.kind],
        outputs=PER_STEP_OUTPUTS if spec.per_step else "head(lstm(inputs))",
        loss=LOSSES[spec.kind],
        score=Template(SCORES[spec.kind]).substitute(axes="(0, 2)" if spec.per_step else "0"),
    )


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


def _csv_file(config: LabConfig) -> tuple[str, str]:
    """(file name, script block) of the real series a task reads from a file; empty for the others."""
    if config.task == "forecast":
        return "mauna_loa_co2_weekly.csv", CO2_BLOCK
    if config.task == "own_series":
        return series_filename(config), SERIES_BLOCK.substitute(filename=series_filename(config))
    return "", ""


def _imports(task_source: str, uses_csv: bool) -> str:
    """The script's imports, in ruff's order: the standard library only as far as the task needs it."""
    uses_callable = "Callable[" in task_source
    standard = [
        "import json",
        "import sys" if uses_csv else "",
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
            "statelab/tasks.py (or made there from plain numbers and strings) can be copied into one."
        )
    arguments = ", ".join(f"{name}={captured[name]!r}" for name in parameters if name in captured)
    generator = f"{root.__name__}({arguments})" if captured else root.__name__
    functions = _callees(generate, _callees(root, [root]))  # top-down: the generator, then what it calls
    sources = [inspect.getsource(tasks.TaskData)] + [_function_source(function) for function in functions]
    return "\n\n\n".join(source.strip() for source in sources), generator


def _plain(value: object) -> bool:
    """Whether a value's repr is valid Python that recreates it."""
    return isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value))


def _callees(function: Callable, found: list[Callable]) -> list[Callable]:
    """Add to `found` every statelab.tasks function that `function` calls, directly or not."""
    for value in inspect.getclosurevars(inspect.unwrap(function)).globals.values():
        callee = inspect.unwrap(value) if callable(value) else None
        if inspect.isfunction(callee) and callee.__module__ == tasks.__name__ and callee not in found:
            found.append(callee)
            _callees(callee, found)
    return found


def _function_source(function: Callable) -> str:
    """A function's source without its decorators (the lab caches the CO2 series; the script need not)."""
    lines = inspect.getsource(function).splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("def "))
    return "\n".join(lines[start:])
