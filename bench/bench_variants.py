"""What else was tried for the engine, side by side in one process: unroll, and both models in one call.

    .venv/bin/python bench/bench_variants.py [--repeats 10] [--threads N]
    XLA_FLAGS=--xla_backend_optimization_level=1 .venv/bin/python bench/bench_variants.py  (XLA options)

For the Lab's default config, each variant trains the stateful and the stateless model for one
epoch per call on identical batches. Prints the first call (trace + XLA compile, after a warm-up
compile of another shape) and the median time per epoch of both models after it, epochs of the
variants interleaved:
- shipped: the engine as it is, one compiled call per epoch and model;
- unroll: the same with `LSTM(unroll=True)` (XLA sees every step of the window);
- both in one call: one compiled loop whose body steps the stateful and the stateless model.
XLA options apply to the whole process: pass them in XLA_FLAGS and compare two runs' "shipped" lines.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from bench_engine import bench_arguments  # noqa: E402

from statelab import LabConfig  # noqa: E402
from statelab.engine.compiled import Engine, Shape, as_batches  # noqa: E402
from statelab.engine.data import make_lab_data  # noqa: E402
from statelab.engine.layout import training_resets  # noqa: E402


def engines(config: LabConfig, data, unroll: bool = False) -> list[Engine]:
    """A fresh stateful and stateless engine (not the process's cached ones), optionally unrolled."""
    built = [Engine(data.spec, Shape.of(data.spec, config, mode)) for mode in ("stateful", "stateless")]
    for engine in built:
        engine.lstm.unroll = unroll  # read when the layer is traced, i.e. at the first call
        engine.start(config.seed, config.learning_rate)
    return built


def separate_calls(pair: list[Engine]):
    """One epoch of both models: one compiled call each (as shipped)."""
    return lambda x, y, resets: [engine.train_epoch(x, y, resets)[0].numpy() for engine in pair]


def one_call(pair: list[Engine], batches: int):
    """One epoch of both models in a single compiled call."""

    @tf.function(jit_compile=True)
    def both(x, y, resets):
        for batch in tf.range(batches):
            for engine in pair:
                engine.train_step(x[batch], y[batch], resets[batch])
        return [engine.mean_loss.result() for engine in pair]

    def epoch(x, y, resets):
        for engine in pair:
            engine.mean_loss.reset_state()
        return [loss.numpy() for loss in both(x, y, resets)]

    return epoch


def main() -> None:
    """Time each variant's first call and its later epochs, interleaved."""
    args = bench_arguments(__doc__, repeats=10)
    config = LabConfig()
    data = make_lab_data(config)
    x, y = (as_batches(samples, config.batch_size) for samples in (data.train_x, data.train_y))
    resets = training_resets(config)[1]
    other = replace(config, units=config.units + 1)  # pays the process's one-time XLA costs first
    separate_calls(engines(other, make_lab_data(other)))(x, y, resets)
    variants = {
        "shipped": separate_calls(engines(config, data)),
        "unroll": separate_calls(engines(config, data, unroll=True)),
        "both in one call": one_call(engines(config, data), config.batches_per_epoch),
    }
    print(f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}, TensorFlow threads: {args.threads or 'all'}")
    times: dict[str, list[float]] = {name: [] for name in variants}
    for name, epoch in variants.items():
        started = time.perf_counter()
        epoch(x, y, resets)
        print(f"{name:<18} first call (trace + compile) {time.perf_counter() - started:6.2f} s")
    for _ in range(args.repeats):
        for name, epoch in variants.items():
            started = time.perf_counter()
            epoch(x, y, resets)
            times[name].append(time.perf_counter() - started)
    for name, seconds in times.items():
        print(
            f"{name:<18} both models, ms per epoch after the first: median {np.median(seconds) * 1000:6.1f}"
        )


if __name__ == "__main__":
    main()
