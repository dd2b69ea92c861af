"""Recycled workers: how long a run waits for a new worker, forked from the pool's forkserver or spawned.

    .venv/bin/python bench/bench_worker_start.py [--runs 8]

Each pool has one worker that is recycled after every job (`max_jobs_per_worker=1`), so every run
after the first goes to a worker that started after the run before it ended. The pools run one
after the other, on one fresh cache folder each, the same small config with a new seed per run (its
compiled programs are on disk after the first run, so what differs is starting the worker). Prints
the median seconds per run from the second on, and CPU seconds of the machine per run, for workers
started each way, and their ratio.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bench_grid import wait_until_ready  # noqa: E402
from machine import machine_cpu  # noqa: E402

from statelab.engine.config import LabConfig  # noqa: E402
from statelab.server import jobs  # noqa: E402
from statelab.server.jobs import JobPool  # noqa: E402
from statelab.server.result_cache import ResultCache  # noqa: E402

SMALL = dict(batch_size=4, timesteps=5, n_windows=3, n_groups=2, units=8, epochs=1, eval_groups=1)


def runs_with(start_method: str, runs: int) -> tuple[float, float]:
    """(median seconds, CPU seconds) per run after the first, with workers started by `start_method`."""
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        context.set_forkserver_preload([jobs.WORKER_IMPORTS])
    jobs.worker_context = lambda: context  # the pool's only choice of how workers start
    seconds = []
    with (
        tempfile.TemporaryDirectory() as directory,
        JobPool(workers=1, max_jobs_per_worker=1, cache=ResultCache(Path(directory))) as pool,
    ):
        wait_until_ready(pool)
        pool.result(LabConfig(seed=0, **SMALL))  # compiles the programs
        cpu = machine_cpu()[0]
        for seed in range(1, runs + 1):
            start = time.monotonic()
            pool.result(LabConfig(seed=seed, **SMALL))
            seconds.append(time.monotonic() - start)
        cpu = machine_cpu()[0] - cpu
    return statistics.median(seconds), cpu / runs


def main() -> None:
    """Time runs on recycled workers started both ways; print both and their ratio."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=8, help="timed runs per way (each on a new worker)")
    args = parser.parse_args()
    results = {method: runs_with(method, args.runs) for method in ("spawn", "forkserver")}
    for method, (seconds, cpu) in results.items():
        print(f"{method:>10}: {seconds:5.2f} s per run (median), {cpu:5.2f} CPU s per run")
    (spawned, spawned_cpu), (forked, forked_cpu) = results["spawn"], results["forkserver"]
    print(f"forked / spawned: {forked / spawned:.2f} of the time, {forked_cpu / spawned_cpu:.2f} of the CPU")


if __name__ == "__main__":
    main()
