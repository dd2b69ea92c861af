"""TensorFlow threads for the Lab's runs: one thread per operation against TensorFlow's default.

    .venv/bin/python bench/bench_threads.py [--repeats 2]

Each setting runs in a fresh process of its own, one after the other, on a fresh cache folder each
(no compiled program on disk): three configs (the default, a new batch size and window length, a GRU
with longer windows), each run first (traced and compiled) and then with other seeds (warm). Prints
the seconds and CPU seconds of each, the ratios one thread / default, and whether both settings gave
the same numbers bit for bit. The pool's workers run on one thread (statelab.server.worker).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"1 thread": {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}, "default": {}}
CHILD = """
import hashlib, json, sys, time
from dataclasses import replace
import numpy as np
from statelab import LabConfig, run_lab

def timed(config):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run_lab(config)
    return result, (time.perf_counter() - wall, time.process_time() - cpu)

digest, rows = hashlib.md5(), []
base = LabConfig()
for name, config in [
    ("default run", base),
    ("batch 8 + timesteps 12", replace(base, batch_size=8, timesteps=12)),
    ("GRU + timesteps 15", replace(base, layer="gru", timesteps=15)),
]:
    _, first = timed(config)
    warm = []
    for seed in range(1, int(sys.argv[1]) + 1):
        result, seconds = timed(replace(config, seed=seed))
        warm.append(seconds)
        for model in (result.stateful, result.stateless):
            digest.update(np.asarray(model.loss).tobytes() + np.asarray(model.predictions).tobytes())
    rows.append((name, first, sorted(warm)[len(warm) // 2]))
print(json.dumps({"rows": rows, "digest": digest.hexdigest()}))
"""


def measure(environment: dict[str, str], repeats: int) -> dict:
    """The child's rows and digest, run in a fresh process with `environment` and a fresh cache."""
    with tempfile.TemporaryDirectory(prefix="bench-threads-") as cache:
        child_environment = {k: v for k, v in os.environ.items() if not k.startswith("TF_NUM_")}
        child_environment |= {"STATELAB_CACHE": cache, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(repeats)],
            env=child_environment | environment,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run both settings and print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=2, help="warm runs per config (the median is kept)")
    args = parser.parse_args()
    results = {name: measure(environment, args.repeats) for name, environment in SETTINGS.items()}
    one, default = results["1 thread"], results["default"]
    heads = ("1 thread s (CPU)", "default s (CPU)", "ratio s", "ratio CPU")
    print(f"{'config':<24} {'run':<6} {heads[0]:>18} {heads[1]:>18} {heads[2]:>8} {heads[3]:>9}")
    for (name, *ones), (_, *defaults) in zip(one["rows"], default["rows"], strict=True):
        for label, (wall, cpu), (wall_default, cpu_default) in zip(
            ("first", "warm"), ones, defaults, strict=True
        ):
            print(
                f"{name:<24} {label:<6} {wall:>9.2f} ({cpu:5.2f}) {wall_default:>10.2f} ({cpu_default:5.2f})"
                f" {wall / wall_default:>8.2f} {cpu / cpu_default:>9.2f}"
            )
    print("the same numbers bit for bit:", one["digest"] == default["digest"])


if __name__ == "__main__":
    main()
