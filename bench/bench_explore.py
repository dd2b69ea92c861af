"""Exploring the Lab: a setting never run in this process against the same setting run again.

    .venv/bin/python bench/bench_explore.py [--cache DIR] [--skip-restart]

A learner moves a slider and presses Train: that run has a shape (batch size, timesteps, units,
batches) the process may never have compiled. In one process, after the default run, this bench
runs six edits a learner makes, each first as a new shape, then again with another seed (warm:
the same shapes compiled), and prints each pair with CPU seconds and the ratio new / warm. Then it
starts a second process with the same cache folder (a restarted worker or server) and times its
first default run against its warm one.

The cache folder is a fresh temporary one unless --cache names one: a new shape is then new to
the compiled-program cache too. Figures on a busy machine swing; the ratios are measured side by
side in one run, and CPU seconds show the work whatever the load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITS = {
    "batch 8 + timesteps 12": {"batch_size": 8, "timesteps": 12},
    "batch 32 + timesteps 6": {"batch_size": 32, "timesteps": 6},
    "timesteps 15": {"timesteps": 15},
    "units 16 + windows 6": {"units": 16, "n_windows": 6},
    "batch 12 + shuffle on": {"batch_size": 12, "shuffle": True},
    "10 groups + reset at epoch end": {"n_groups": 10, "reset": "epoch"},
}


def seconds(work) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def first_and_warm(repeats: int) -> dict:
    """In this process: TensorFlow's import, the first default run, then warm runs (other seeds)."""
    imported = seconds(lambda: __import__("statelab.training"))
    from statelab import LabConfig, run_lab

    config = LabConfig()
    first = seconds(lambda: run_lab(config))
    warm = [seconds(lambda seed=seed: run_lab(replace(config, seed=seed))) for seed in range(1, repeats + 1)]
    return {"import": imported, "first": first, "warm": sorted(warm)[len(warm) // 2]}


def explore(repeats: int) -> None:
    """The default run, then each edit as a new shape and warm; ratios with CPU seconds."""
    default = first_and_warm(repeats)
    from statelab import LabConfig, run_lab

    print(f"import statelab.training (TensorFlow, Keras): {default['import'][0]:.2f} s")
    print(f"default run, first of the process: {pair(default['first'])}")
    print(f"default run, warm (median of {repeats}): {pair(default['warm'])}\n")
    ratios, cpu_ratios = [], []
    for name, changes in EDITS.items():
        config = replace(LabConfig(), **changes)
        new = seconds(lambda config=config: run_lab(config))
        warm = seconds(lambda config=config: run_lab(replace(config, seed=config.seed + 1)))
        ratios.append(new[0] / warm[0])
        cpu_ratios.append(new[1] / warm[1])
        print(f"{name:32} new shape {pair(new)}, warm {pair(warm)}: {ratio(new, warm)}")
    print(
        f"\nmedian new shape / warm: {median(ratios):.2f}x wall, {median(cpu_ratios):.2f}x CPU "
        f"(worst {max(ratios):.2f}x wall)"
    )


def restarted(repeats: int) -> None:
    """A second process with the same cache folder: its first default run against its warm one."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
        f"import bench_explore; print('RESULT', json.dumps(bench_explore.first_and_warm({repeats})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    figures = json.loads(output.split("RESULT", 1)[1])
    first, warm = figures["first"], figures["warm"]
    print(f"\nrestarted process (same cache folder), TensorFlow imported in {figures['import'][0]:.2f} s:")
    print(f"  first default run {pair(first)}, warm {pair(warm)}: {ratio(first, warm)}")


def pair(figures) -> str:
    """'1.23 s (0.98 s CPU)'."""
    return f"{figures[0]:.2f} s ({figures[1]:.2f} s CPU)"


def ratio(slow, fast) -> str:
    """'6.1x (5.9x CPU)'."""
    return f"{slow[0] / fast[0]:.1f}x ({slow[1] / fast[1]:.1f}x CPU)"


def median(values: list[float]) -> float:
    """The median of a short list."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    """Parse the command line, point STATELAB_CACHE at the cache folder, run both parts."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", help="the cache folder (default: a fresh temporary one)")
    parser.add_argument("--repeats", type=int, default=3, help="warm default runs (median)")
    parser.add_argument("--skip-restart", action="store_true", help="no second process")
    args = parser.parse_args()
    os.environ["STATELAB_CACHE"] = args.cache or tempfile.mkdtemp(prefix="statelab-bench-explore-")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # 2 would show a line per program loaded from disk
    sys.path.insert(0, str(ROOT))
    load = os.getloadavg()[0]
    print(f"cache folder: {os.environ['STATELAB_CACHE']}; {os.cpu_count()} cores, load {load:.1f}\n")
    explore(args.repeats)
    if not args.skip_restart:
        restarted(args.repeats)


if __name__ == "__main__":
    main()
