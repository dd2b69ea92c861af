"""Worker memory over many runs: after 10 runs against after 100, with worker recycling.

    .venv/bin/python bench/bench_memory.py [--runs 100] [--workers 2] [--max-jobs 20]

Uses the job layer the app uses (worker processes recycled after `--max-jobs` jobs, a fresh
temporary result cache). The runs cycle through every preset of the Lab (5 model shapes) with a
new seed each time, one at a time, so each is trained (none comes from the cache). After every 10
runs it prints the resident memory (RSS) of each live worker, how many jobs that worker has run,
and the largest worker RSS seen so far; at the end, the largest RSS after 100 runs against after 10.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_grid import wait_until_ready  # noqa: E402

from statelab.engine.config import LabConfig  # noqa: E402
from statelab.server.jobs import JobPool  # noqa: E402
from statelab.server.result_cache import ResultCache  # noqa: E402
from statelab.teaching.presets import PRESETS  # noqa: E402


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (0 if it has exited)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
    except (FileNotFoundError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def main() -> None:
    """Run the presets one after another and print worker memory every 10 runs."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-jobs", type=int, default=20, help="jobs per worker before it is recycled")
    args = parser.parse_args()
    presets = list(PRESETS.values())
    with tempfile.TemporaryDirectory() as directory:
        pool = JobPool(args.workers, args.max_jobs, ResultCache(Path(directory)), abandon_after=600)
        wait_until_ready(pool)
        print(f"{args.workers} workers recycled after {args.max_jobs} jobs; {len(presets)} presets in turn\n")
        largest, at = 0.0, {}
        for run in range(1, args.runs + 1):
            pool.result(presets[run % len(presets)].config(LabConfig(seed=run)))
            if run % 10 == 0:
                with pool.lock:
                    handed = dict(pool.handed)
                sizes = {pid: rss_mib(pid) for pid in handed}
                largest = max(largest, *sizes.values())
                at[run] = max(sizes.values())
                workers = ", ".join(f"{size:.0f} MiB after {handed[pid]} jobs" for pid, size in sizes.items())
                print(f"after {run:3d} runs: {workers}; largest so far {largest:.0f} MiB", flush=True)
        (early, first), (late, last) = min(at.items()), max(at.items())
        growth = last / first
        print(
            f"\nlargest live worker: {last:.0f} MiB after {late} runs, {first:.0f} MiB after {early}: ",
            end="",
        )
        print(f"{growth:.2f}x")
        wait_until_ready(pool)  # a recycled worker may be starting: let it finish before the pool goes


if __name__ == "__main__":
    main()
