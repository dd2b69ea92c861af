"""Engine speed against plain Keras on the same batches, measured side by side in one run.

    make bench        (or: .venv/bin/python bench/bench_engine.py [--repeats 3] [--threads N])

Prints, for the Lab's default config:
1. a default `run_lab` (both models, evaluation, state trace) cold, as the first run of the process
   after TensorFlow is imported (it builds and compiles), then warm (the shapes compiled earlier);
2. the same work written with plain Keras (build both models, `fit` with a reset callback,
   `predict`), warm, and the ratio run_lab / plain;
3. time per epoch after the first of the engine (one XLA-compiled call per epoch) and of plain
   `model.fit`, training the stateful model on identical batches, and their ratio;
4. the engine's ms per epoch beside the arithmetic bound (the epoch's matmul FLOPs at the peak
   matmul speed measured in this run) and the multiple.
Whole runs also show CPU seconds: on a busy machine, the CPU seconds of a one-thread run
(--threads 1) are close to what the wall time would be on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from statelab import LabConfig, run_lab  # noqa: E402
from statelab.engine.compiled import Shape, engine_for  # noqa: E402
from statelab.engine.data import make_lab_data  # noqa: E402
from statelab.engine.layout import epoch_orders, reset_mask, stateful_order, training_resets  # noqa: E402
from statelab.engine.models import build_model, loss_for, reset_states  # noqa: E402
from statelab.engine.tasks import task_spec  # noqa: E402
from statelab.engine.training import train_model  # noqa: E402


class ResetClock(keras.callbacks.Callback):
    """Resets state before the flagged training or predict batches, and notes when each epoch ends."""

    def __init__(self, resets: np.ndarray):
        super().__init__()
        self.resets, self.stamps = resets, [time.perf_counter()]

    def on_train_batch_begin(self, batch, logs=None):
        if self.resets[batch]:
            reset_states(self.model)

    def on_predict_batch_begin(self, batch, logs=None):
        self.on_train_batch_begin(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.stamps.append(time.perf_counter())


def seconds(work) -> np.ndarray:
    """(wall, CPU) seconds of one call."""
    started = np.array([time.perf_counter(), time.process_time()])
    work()
    return np.array([time.perf_counter(), time.process_time()]) - started


def plain_keras_lab(config: LabConfig) -> None:
    """The Lab's work in plain Keras: both models built, trained by `fit`, evaluated by `predict`."""
    data = make_lab_data(config)
    streams, windows = stateful_order(len(data.eval_x), config.n_windows, config.batch_size)
    eval_resets = reset_mask(config.eval_groups * config.n_windows, config.n_windows, config.reset)
    for batch_size in (config.batch_size, None):
        model = build_model(data.spec, config.timesteps, config.units, config.seed, batch_size)
        model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=loss_for(data.spec))
        for order, resets in zip(epoch_orders(config), training_resets(config), strict=True):
            x, y = data.train_x[order], data.train_y[order]
            clock = ResetClock(resets)
            model.fit(x, y, batch_size=config.batch_size, shuffle=False, verbose=0, callbacks=[clock])
        held_out = data.eval_x[streams, windows]  # group by group, window by window
        model.predict(held_out, batch_size=config.batch_size, verbose=0, callbacks=[ResetClock(eval_resets)])


def engine_epochs(config: LabConfig) -> list[float]:
    """Seconds per epoch of the engine training the stateful model (its engine already compiled)."""
    data = make_lab_data(config)
    engine = engine_for(data.spec, Shape.of(data.spec, config, "stateful"))
    engine.start(config.seed, config.learning_rate)
    stamps = [time.perf_counter()]
    train_model(engine, data, config, lambda progress: stamps.append(time.perf_counter()))
    return list(np.diff(stamps))


def fit_epochs(config: LabConfig) -> list[float]:
    """Seconds per epoch of `model.fit(shuffle=False)` with a reset callback, on the same batches."""
    data = make_lab_data(config)
    model = build_model(data.spec, config.timesteps, config.units, config.seed, config.batch_size)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=loss_for(data.spec))
    clock = ResetClock(training_resets(config)[1])  # the "sequence" mask, the same every epoch
    x, y = data.train_x, data.train_y
    model.fit(
        x, y, batch_size=config.batch_size, epochs=config.epochs, shuffle=False, verbose=0, callbacks=[clock]
    )
    return list(np.diff(clock.stamps))


def peak_matmul_gflops(size: int = 1024, repeats: int = 20) -> float:
    """The best float32 matmul speed of this process, in GFLOP/s (XLA-compiled, as the engine)."""
    a = tf.random.stateless_normal((size, size), seed=(1, 2))
    multiply = tf.function(lambda a: tf.linalg.matmul(a, a), jit_compile=True)
    multiply(a).numpy()
    best = min(seconds(lambda: multiply(a).numpy())[0] for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def epoch_gflop(config: LabConfig) -> float:
    """Matmul work of one training epoch: the LSTM's 4 gates over every step, forward and backward (3x)."""
    spec = task_spec(config.task, config.series)
    per_step = 2 * config.batch_size * (spec.features + config.units) * 4 * config.units
    return 3 * per_step * config.timesteps * config.batches_per_epoch / 1e9


def bench_arguments(description: str, repeats: int) -> argparse.Namespace:
    """--repeats and --threads from the command line; TensorFlow set to use that many threads."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=description, formatter_class=formatter)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads (0: all cores)")
    args = parser.parse_args()
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    return args


def main() -> None:
    """Run the comparisons and print the figures."""
    args = bench_arguments(__doc__, repeats=3)
    config = LabConfig()
    print(f"default config: {config}")
    print(
        f"{config.batches_per_epoch} batches of {config.batch_size} x {config.timesteps} steps per epoch, "
        f"{os.cpu_count()} cores, TensorFlow threads: {args.threads or 'all'}\n"
    )

    cold = seconds(lambda: run_lab(config))
    warm = [
        seconds(lambda seed=seed: run_lab(replace(config, seed=seed))) for seed in range(1, args.repeats + 1)
    ]
    plain_keras_lab(replace(config, seed=99))  # Keras' own first-use costs, paid once
    plain = [
        seconds(lambda seed=seed: plain_keras_lab(replace(config, seed=seed)))
        for seed in range(1, args.repeats + 1)
    ]
    warm, plain = np.median(warm, axis=0), np.median(plain, axis=0)
    print(f"default run_lab cold (first of the process, compiles): {cold[0]:.2f} s ({cold[1]:.2f} s CPU)")
    print(f"default run_lab warm (median of {args.repeats}): {warm[0]:.2f} s ({warm[1]:.2f} s CPU)")
    print(f"the same work with plain fit/predict, warm (median): {plain[0]:.2f} s ({plain[1]:.2f} s CPU)")
    ratios = warm / plain
    print(f"run_lab / plain fit+predict, warm: ratio {ratios[0]:.3f} (of CPU seconds: {ratios[1]:.3f})\n")

    engine_steady, fit_steady = [], []
    for repeat in range(args.repeats):
        engine, fit = engine_epochs(config), fit_epochs(config)
        engine_steady.append(np.median(engine[1:]))
        fit_steady.append(np.median(fit[1:]))
        print(
            f"repeat {repeat + 1}: epochs after the first: engine {engine_steady[-1] * 1000:.1f} ms, "
            f"fit {fit_steady[-1] * 1000:.0f} ms (fit's first epoch {fit[0]:.2f} s)"
        )
    engine_ms = np.median(engine_steady) * 1000
    ratio = engine_ms / (np.median(fit_steady) * 1000)
    print(
        f"engine / plain fit, time per epoch after the first: ratio {ratio:.3f} (median of {args.repeats})\n"
    )

    peak, work = peak_matmul_gflops(), epoch_gflop(config)
    bound = work / peak * 1000
    print(f"peak matmul in this process: {peak:.0f} GFLOP/s; one epoch is {work:.2f} GFLOP of matmul")
    print(f"engine {engine_ms:.1f} ms per epoch, arithmetic bound {bound:.2f} ms: {engine_ms / bound:.1f}x")


if __name__ == "__main__":
    main()
