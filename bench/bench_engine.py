"""Engine speed against plain Keras on the same batches, measured side by side in one run.

    make bench        (or: .venv/bin/python bench/bench_engine.py [--repeats 3])

Prints, for the Lab's default config, the time per epoch (after the first, which traces and
compiles) of statelab's XLA-compiled training step and of `model.fit` with a reset callback,
both training the stateful model on identical batches, then their ratio, and the wall time of a
whole default `run_lab` (both models, evaluation and state tracing) after TensorFlow is imported.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from statelab import LabConfig, run_lab  # noqa: E402
from statelab.data import make_lab_data
from statelab.layout import training_resets  # noqa: E402
from statelab.models import build_model, loss_for, reset_states  # noqa: E402
from statelab.training import train_model  # noqa: E402


class EpochClock(keras.callbacks.Callback):
    """Resets state before the batches the policy says, and notes when each epoch ends."""

    def __init__(self, resets: np.ndarray):
        super().__init__()
        self.resets, self.epoch, self.stamps = resets, 0, [time.perf_counter()]

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.resets[self.epoch, batch]:
            reset_states(self.model)

    def on_epoch_end(self, epoch, logs=None):
        self.stamps.append(time.perf_counter())


def time_engine(config: LabConfig, data) -> list[float]:
    """Seconds per epoch of statelab's training loop."""
    stamps = [time.perf_counter()]

    def note(progress) -> None:
        if progress.batch == progress.batches:
            stamps.append(time.perf_counter())

    model = build_model(data.spec, config.timesteps, config.units, config.seed, config.batch_size)
    train_model(model, data, config, "stateful", note)
    return list(np.diff(stamps))


def time_plain_fit(config: LabConfig, data) -> list[float]:
    """Seconds per epoch of `model.fit(shuffle=False)` with a reset callback, on the same batches."""
    model = build_model(data.spec, config.timesteps, config.units, config.seed, config.batch_size)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=loss_for(data.spec))
    clock = EpochClock(training_resets(config))
    model.fit(
        data.train_x,
        data.train_y,
        batch_size=config.batch_size,
        epochs=config.epochs,
        shuffle=False,
        verbose=0,
        callbacks=[clock],
    )
    return list(np.diff(clock.stamps))


def main() -> None:
    """Run the comparison and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = LabConfig()
    data = make_lab_data(config)
    print(f"default config: {config}")
    print(f"{config.batches_per_epoch} batches of {config.batch_size} x {config.timesteps} steps per epoch\n")
    engine_steady, fit_steady = [], []
    for repeat in range(args.repeats):
        engine, fit = time_engine(config, data), time_plain_fit(config, data)
        engine_steady.append(np.median(engine[1:]))
        fit_steady.append(np.median(fit[1:]))
        print(
            f"repeat {repeat + 1}: first epoch engine {engine[0]:.2f} s, fit {fit[0]:.2f} s; "
            f"later epochs engine {engine_steady[-1] * 1000:.0f} ms, fit {fit_steady[-1] * 1000:.0f} ms"
        )
    ratio = np.median(engine_steady) / np.median(fit_steady)
    print(f"\nengine / plain fit, time per epoch after the first: {ratio:.2f} (median of {args.repeats})")
    started = time.perf_counter()
    run_lab(config)
    print(f"default run_lab (both models, evaluation, state trace): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
