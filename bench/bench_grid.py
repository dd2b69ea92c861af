"""The break-it grid (5 presets x 3 seeds) through the job pool, against one run, side by side.

    .venv/bin/python bench/bench_grid.py [--workers 2] [--seeds 3]

Uses the job layer the app uses (worker processes, a fresh temporary result cache). Prints:
1. the grid on workers that have imported TensorFlow but compiled nothing (a fresh server);
2. one run alone on a warm worker (the unit of the multiples);
3. the grid again with other seeds on warm workers.
Each grid line gives seconds and the multiple of one run; the ideal is runs / workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statelab.engine.config import LabConfig  # noqa: E402
from statelab.server.jobs import JobPool  # noqa: E402
from statelab.server.result_cache import ResultCache  # noqa: E402
from statelab.teaching.presets import PRESETS  # noqa: E402

BREAK_IT = ("correct", "shuffle_on", "never_reset", "epoch_reset", "batch_reset")


def grid(seeds: range) -> list[LabConfig]:
    """The break-it presets, each with every seed."""
    return [PRESETS[name].config(LabConfig(seed=seed)) for name in BREAK_IT for seed in seeds]


def wait_for_all(pool: JobPool, configs: list[LabConfig]) -> float:
    """Submit the configs at once; seconds until every result is stored."""
    started = time.perf_counter()
    for config in configs:
        pool.submit(config)
    for config in configs:
        pool.result(config)
    return time.perf_counter() - started


def wait_until_ready(pool: JobPool, timeout: float = 300.0) -> None:
    """Block until every worker has imported TensorFlow."""
    deadline = time.monotonic() + timeout
    while len(pool.busy) < pool.workers or any(key is not None for key in pool.busy.values()):
        if time.monotonic() > deadline:
            raise TimeoutError("The workers did not start.")
        time.sleep(0.1)


def main() -> None:
    """Run the grid cold, one run, the grid warm; print seconds and multiples."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        pool = JobPool(workers=args.workers, cache=ResultCache(Path(directory)), abandon_after=600)
        wait_until_ready(pool)
        runs = len(BREAK_IT) * args.seeds
        print(f"{args.workers} workers, {runs} runs: presets {', '.join(BREAK_IT)} x {args.seeds} seeds\n")
        cold = wait_for_all(pool, grid(range(args.seeds)))
        single = wait_for_all(pool, [replace(LabConfig(), seed=1000)])
        warm = wait_for_all(pool, grid(range(args.seeds, 2 * args.seeds)))
        print(f"one run alone on a warm worker: {single:.2f} s")
        print(f"grid, fresh workers (each compiles first): {cold:6.2f} s = {cold / single:5.2f} x one run")
        print(f"grid, warm workers:                        {warm:6.2f} s = {warm / single:5.2f} x one run")
        print(f"ideal: {runs / args.workers:.1f} x one run ({runs} runs on {args.workers} workers)")
        wait_until_ready(pool)  # a recycled worker may be starting: let it finish before the pool goes


if __name__ == "__main__":
    main()
