"""A class on one server: how long learners wait, measured side by side in one run.

    .venv/bin/python bench/bench_class.py [--learners 30] [--distinct 6] [--workers 2]

Uses the job layer the app uses (worker processes, shared disk cache, a fresh temporary cache) and
the Lab's default config. It times, after the workers have started TensorFlow:
1. one learner running the default config alone (the reference: one run);
2. the whole class pressing the same preset at once (a fresh config): every learner polls like the
   page does, and the run should be trained once, so the last learner waits about one run;
3. the class again, now cached (a restart or the next class): every answer comes from disk;
4. a few learners each running a different seed at once: the queue spreads them over the workers.
Ratios are to the single run measured in the same process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from statelab.engine.config import LabConfig  # noqa: E402
from statelab.server.jobs import JobPool  # noqa: E402
from statelab.server.result_cache import ResultCache  # noqa: E402


def class_waits(pool: JobPool, configs: list[LabConfig]) -> list[float]:
    """Seconds each learner (one thread per config, all starting together) waits for its result."""
    waits = [0.0] * len(configs)
    start = threading.Barrier(len(configs))

    def learner(index: int) -> None:
        start.wait()
        began = time.perf_counter()
        pool.result(configs[index])
        waits[index] = time.perf_counter() - began

    threads = [threading.Thread(target=learner, args=(index,)) for index in range(len(configs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return waits


def report(name: str, waits: list[float], single: float) -> None:
    """One line: the slowest and median wait, and the slowest as a multiple of one run."""
    ordered = sorted(waits)
    print(
        f"{name:<44} {len(waits):>3} learners  median {ordered[len(ordered) // 2]:6.2f} s  "
        f"slowest {ordered[-1]:6.2f} s  = {ordered[-1] / single:5.2f} x one run"
    )


def main() -> None:
    """Run the four scenarios and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--distinct", type=int, default=6)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        pool = JobPool(workers=args.workers, cache=ResultCache(Path(directory)), abandon_after=600)
        base = LabConfig()
        pool.result(replace(base, seed=100))  # workers import TensorFlow and compile once
        print(f"{args.workers} workers, default config, fresh cache in {directory}\n")
        single = class_waits(pool, [replace(base, seed=101)])[0]
        report("one learner, one run", [single], single)
        preset = replace(base, seed=102)
        report("whole class presses one preset at once", class_waits(pool, [preset] * args.learners), single)
        report("whole class again, cached", class_waits(pool, [preset] * args.learners), single)
        seeds = [replace(base, seed=200 + index) for index in range(args.distinct)]
        report("learners with different seeds at once", class_waits(pool, seeds), single)
        ideal = args.distinct / args.workers
        print(f"\nideal for different seeds: {ideal:.1f} x one run ({args.workers} workers)")


if __name__ == "__main__":
    main()
