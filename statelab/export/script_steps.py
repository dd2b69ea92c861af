"""The steps of an exported run, as templates: each a title, an explanation and its code.

The script (statelab/export/script.py) joins the code of the steps under their titles; the notebook
(statelab/export/notebook.py) puts each explanation in a Markdown cell above its code cell. Both fill the
same templates with the same values, so the two always run the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template


@dataclass(frozen=True)
class Step:
    """One step of an exported run: a title, what it does (Markdown) and its code."""

    title: str
    text: str
    code: str


SCORES = {
    "binary": "correct = (predictions[..., 0] > 0.5) == eval_y  # probability above one half: class 1\n"
    "by_window = correct.mean(axis=$axes)",
    "multiclass": "correct = predictions.argmax(axis=-1) == eval_y  # the most probable class\n"
    "by_window = correct.mean(axis=$axes)",
    "regression": "by_window = ((predictions[..., 0] - eval_y) ** 2).mean(axis=$axes)  # mean squared error",
}
GUESSES = {
    "classification": "counts = np.unique(eval_y, return_counts=True)[1]\n"
    'baselines = {"always the most common class": float(counts.max() / eval_y.size)}',
    "regression": 'baselines = {"always the held-out mean": float(eval_y.var())}',
    "forecast": 'baselines = {"always the held-out mean": float(eval_y.var())}\n'
    "# persistence: forecast each next value as the value just seen (input feature 0)\n"
    'baselines["persistence"] = float(((eval_windows[..., 0] - eval_y) ** 2).mean())\n'
    "# seasonal naive: forecast each value as the value one season earlier, known when forecasting\n"
    "rng = np.random.default_rng([SEED, 2])  # the held-out streams again, with that forecast\n"
    "held_out = generate(rng, EVAL_GROUPS * BATCH_SIZE, STREAM_LENGTH, TIMESTEPS, held_out=True)\n"
    "if held_out.period:  # a series with a known season\n"
    "    seasonal_error = float(((cut_windows(held_out.seasonal) - eval_y) ** 2).mean())\n"
    '    baselines[f"seasonal naive, {held_out.period} steps back"] = seasonal_error',
}
SCRIPT_DATA_FILES = {
    "forecast": """
# The CO2 series ships with the lab as statelab/data/mauna_loa_co2_weekly.csv: put that file next to
# this script, or pass its path as the first argument.
CO2_CSV = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("mauna_loa_co2_weekly.csv")""",
    "own_series": """
# Your series as the lab cleaned it, one value per line ("Download your series" in the Lab): put it
# next to this script, or pass its path as the first argument.
SERIES_NAME = "$csv_name"
SERIES_CSV = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name(SERIES_NAME)""",
}
NOTEBOOK_DATA_FILES = {
    "forecast": """
# The CO2 series ("Download the CO2 series" in the Lab; statelab/data/ in the lab's code): put it in
# the notebook's folder, or write its path here.
CO2_CSV = Path("mauna_loa_co2_weekly.csv")""",
    "own_series": """
# Your series as the lab cleaned it, one value per line ("Download your series" in the Lab): put it
# in the notebook's folder, or write its path here.
SERIES_CSV = Path("$csv_name")""",
}
DATA_FILE_NOTES = {
    "forecast": ' Put `mauna_loa_co2_weekly.csv` ("Download the CO2 series" in the Lab; `statelab/data/`'
    " in the lab's code) in the notebook's folder.",
    "own_series": ' Put your series, `$csv_name` ("Download your series" in the Lab), in the notebook\'s'
    " folder.",
}
SCRIPT_HEADER = Template('''\
"""A stateful Keras 3 LSTM, exported from the Stateful LSTM Lab.

Task: $title.
$description

$reproduction

It needs Keras 3 (TensorFlow backend) and NumPy, nothing from the lab. Run it with

    python $filename$arguments

It prints the loss per epoch, the held-out $metric by window position beside a baseline, and a last
line `RESULT {"by_window": [...], "score": ...}` (JSON). Edit SHUFFLE or RESET to watch continuity
break.
"""''')
NOTEBOOK_INTRO = Template("""\
# A stateful Keras 3 LSTM, exported from the Stateful LSTM Lab

**Task: $title.** $description

$reproduction

It needs Keras 3 (TensorFlow backend) and NumPy, nothing from the lab.$data_file_note Run the cells
from top to bottom: the last one prints the held-out $metric by window position beside a baseline,
and a line `RESULT {"by_window": [...], "score": ...}` (JSON). Then edit `SHUFFLE` or `RESET` in the
first cell and run all cells again to watch continuity break.""")

SETTINGS = Step(
    "Settings",
    """The settings of the Lab run. A *stream* is one long sequence, cut into `N_WINDOWS` consecutive
windows of `TIMESTEPS` steps; one window is one sample. A stateful LSTM keeps one state per batch
row, so `BATCH_SIZE` is the number of streams it follows side by side.""",
    """$imports

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
BATCHES_PER_EPOCH = N_GROUPS * N_WINDOWS$data_file""",
)
DATA = Step(
    "Data: the lab's generator, copied from statelab/engine/tasks.py",
    """The task's streams, generated exactly as the Lab generates them: `generate(rng, n_streams,
length, timesteps, held_out)` returns the inputs `(streams, length, features)` and a target for
every step `(streams, length)`. For a real series, held-out streams come from its later part, which
training never sees.""",
    """$task_source


generate = $generator""",
)
LAYOUT = Step(
    "Data layout: streams, windows and batches",
    """The stateful layout. Each stream is cut into consecutive, non-overlapping windows (sliding
windows would break the carried state: the next window must start where the last one ended). Batch
*k* of a group holds window *k* of each of the group's `BATCH_SIZE` streams, so row *i* of batch
*k* + 1 continues row *i* of batch *k*. `x` is `(samples, TIMESTEPS, features)`, laid out the same
way as `y`, and the number of samples is a multiple of `BATCH_SIZE`.""",
    '''def cut_windows(streams: np.ndarray) -> np.ndarray:
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


train_windows, train_targets = make_samples(N_GROUPS * BATCH_SIZE, stream_seed=1)
train_x, train_y = stateful_layout(train_windows), stateful_layout(train_targets)
print("inputs x:", train_x.shape, "targets y:", train_y.shape, "batches per epoch:", BATCHES_PER_EPOCH)''',
)
RESETS = Step(
    "Resets and shuffling",
    """The callback below resets the LSTM before the batches that `RESET` names, in `fit` and in
`predict`; with `RESET = "sequence"` that is the first window of every stream group (lessons 4 and 5
of the Lab show what happens without it). Keras 3 models have no
`reset_states()`: the callback calls `reset_state()` on the LSTM layer. `fit(shuffle=True)`, the
default, permutes the samples and breaks the layout; `epoch_order` reproduces what each `SHUFFLE`
setting does.""",
    '''def reset_before(n_batches: int) -> set[int]:
    """Batches of one pass (an epoch, or the evaluation) that start from a zero state under RESET."""
    return set(
        {
            "sequence": range(0, n_batches, N_WINDOWS),  # the first window of every stream group
            "epoch": range(1),  # only the first batch: after the previous epoch ended
            "never": range(0),  # no reset at all
            "batch": range(n_batches),  # before every batch
        }[RESET]
    )


def epoch_order(rng: np.random.Generator) -> np.ndarray:
    """Sample indices for one epoch, permuted as fit(shuffle=SHUFFLE) would permute them."""
    indices = np.arange(BATCHES_PER_EPOCH * BATCH_SIZE)
    if SHUFFLE is True:  # any sample can land in any batch row
        return rng.permutation(indices)
    if SHUFFLE == "batch":  # as fit(shuffle="batch") orders the samples (lesson 3 records it)
        return np.stack([rng.permutation(batch) for batch in indices.reshape(-1, BATCH_SIZE)]).ravel()
    return indices


class ResetState(keras.callbacks.Callback):
    """Resets the LSTM's state before the batches that `reset_before` names, in fit and in predict.

    Keras 3 models have no method to reset states: call reset_state() on each stateful layer.
    """

    def __init__(self, batches: set[int]):
        super().__init__()
        self.batches = batches

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if batch in self.batches:
            self.model.get_layer("lstm").reset_state()

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_begin(batch, logs)''',
)
MODEL = Step(
    "Model: in Keras 3 the fixed batch size is declared on the input, with batch_shape",
    """A stateful LSTM needs a fixed batch size: in Keras 3 it is declared on the input,
`keras.Input(batch_shape=(BATCH_SIZE, TIMESTEPS, features))` (`batch_input_shape` on the layer
raises). The seeded initializers give the same initial weights as the Lab, and `jit_compile=True`
the same XLA arithmetic.""",
    """keras.utils.set_random_seed(SEED)
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
)""",
)
TRAINING = Step(
    "Training: fit never shuffles; the callback resets the state as RESET says",
    """The training loop. `fit` gets `batch_size=BATCH_SIZE`, the batch size the model was built for
(lesson 9 of the Lab shows why every call needs it), `shuffle=False`, so row *i* of every batch continues
row *i* of the previous one, and the reset callback. When `SHUFFLE` is on, each epoch is one `fit`
call on samples permuted the way `fit(shuffle=SHUFFLE)` would permute them: continuity breaks.""",
    """reset_callback = ResetState(reset_before(BATCHES_PER_EPOCH))
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
        print(f"Epoch {epoch + 1}/{EPOCHS} - loss: {losses[-1]:.4f}")""",
)
EVALUATION = Step(
    "Evaluation on held-out streams, in the stateful layout, as in training",
    """The score counts only streams the model never trained on, laid out as in training. `predict`
gets the same callback, so each held-out stream group starts as training did (one `reset_state()`
before `predict` is not enough: within the call, each group's final state would flow into the next
group's first window). Beside the score, the baseline it must beat: $baseline_note.""",
    """# the callback resets before the held-out batches that RESET names, as in training
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
print(f"$metric over all held-out windows: {by_window.mean():.3f}")
$guesses
for name, value in baselines.items():
    print(f"baseline, {name}: {value:.3f}")
result = {
    "metric": "$metric",
    "by_window": by_window.tolist(),
    "score": float(by_window.mean()),
    "baselines": baselines,
    "loss": losses,
}
print("RESULT " + json.dumps(result))""",
)
STEPS = (SETTINGS, DATA, LAYOUT, RESETS, MODEL, TRAINING, EVALUATION)
BASELINE_NOTES = {
    "classification": "the accuracy of always guessing the most common held-out class",
    "regression": "the error of always predicting the held-out mean (the targets' variance)",
    "forecast": "the error of always predicting the held-out mean (the targets' variance), of "
    "persistence, which forecasts every next value as the value just seen, and, for a series with a known "
    "season, of the seasonal naive forecast: the value one season earlier",
}
