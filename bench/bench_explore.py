"""Exploring the Lab: a setting never run in this process against the same setting run again.

    .venv/bin/python bench/bench_explore.py [--cache DIR] [--repeats 3]

A learner moves a number input and presses Train: that run may have a shape (batch size,
timesteps, units) the worker process has not compiled. Five parts, one after another, share one
cache folder (a fresh temporary one unless --cache names one):
1. never compiled anywhere: after the default run, six edits a learner makes, each first as a new
   shape (traced and compiled by XLA), then again with another seed (warm), with the ratio;
2. a restarted process: its first default run (programs loaded from the cache folder) against
   its warm one;
3. the same six edits in a third process: new to it, but compiled by process 1 (found on disk);
4. a process warmed as an idle worker warms itself (statelab.server.warm_shapes, timed), then the form's
   common changes it warmed, first run against warm;
5. a new worker of a job pool (as after recycling): when it is ready, its first default run
   against its next (wall time only: the run is in the worker).
Figures on a busy machine swing: each ratio is measured side by side in one process, and CPU
seconds show the work whatever the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
    imported = seconds(lambda: __import__("statelab.engine.training"))
    from statelab import LabConfig, run_lab

    config = LabConfig()
    first = seconds(lambda: run_lab(config))
    warm = [seconds(lambda seed=seed: run_lab(replace(config, seed=seed))) for seed in range(1, repeats + 1)]
    return {"import": imported, "first": first, "warm": sorted(warm)[len(warm) // 2]}


def new_and_warm(edits: dict[str, dict]) -> dict:
    """In this process: each edit of the default run first (new shape), then with another seed."""
    from statelab import LabConfig, run_lab

    figures = {}
    for name, changes in edits.items():
        config = replace(LabConfig(), **changes)
        new = seconds(lambda config=config: run_lab(config))
        figures[name] = (new, seconds(lambda config=config: run_lab(replace(config, seed=config.seed + 1))))
    return figures


def explore(repeats: int) -> dict:
    """Process 1 and 3: the default run, then the six edits new and warm."""
    return {**first_and_warm(repeats), "edits": new_and_warm(EDITS)}


def warmed_worker(repeats: int) -> dict:
    """Process 4: warm as an idle worker does, then the warmed changes new to a run and warm."""
    from statelab.server.warm_shapes import COMMON_CHANGES, warm_up_steps

    steps = warm_up_steps()
    warm_up = seconds(lambda: [step() for step in steps])
    edits = {
        ", ".join(f"{name} {value}" for name, value in changes.items()): changes for changes in COMMON_CHANGES
    }
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux counts KiB)
    return {"warm_up": warm_up, "memory": memory, **first_and_warm(repeats), "edits": new_and_warm(edits)}


def in_a_process(part: str, repeats: int) -> dict:
    """Run a part of this bench in a new process (sharing STATELAB_CACHE); its figures."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import bench_explore; "
        f"print('RESULT', json.dumps(bench_explore.{part}({repeats})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.split("RESULT", 1)[1])


def report(title: str, figures: dict) -> None:
    """Print a part's default runs and its edits, new against warm, with the median ratio."""
    print(f"\n{title}")
    print(f"  TensorFlow imported in {figures['import'][0]:.2f} s")
    print(
        f"  default run, first of the process {pair(figures['first'])}, warm {pair(figures['warm'])}: "
        f"{ratio(figures['first'], figures['warm'])}"
    )
    walls, cpus = [], []
    for name, (new, warm) in figures.get("edits", {}).items():
        walls.append(new[0] / warm[0])
        cpus.append(new[1] / warm[1])
        print(f"  {name:32} new {pair(new)}, warm {pair(warm)}: {ratio(new, warm)}")
    if walls:
        print(
            f"  median new / warm: {median(walls):.2f}x wall, {median(cpus):.2f}x CPU "
            f"(worst {max(walls):.2f}x wall)"
        )


def restarted_worker(seeds: tuple[int, int] = (1001, 1002)) -> None:
    """Part 5: a new pool worker (as after recycling) warms the default shapes before it says it is ready;
    its first default run against its second, through the pool (seeds nobody ran: no cached result)."""
    from statelab import LabConfig
    from statelab.server.jobs import JobPool

    started = time.perf_counter()
    with JobPool(workers=1, warm_shapes=True) as pool:
        while None not in pool.busy.values():  # the worker's "ready": TensorFlow loaded, default shapes warm
            time.sleep(0.05)
        ready = time.perf_counter() - started
        first, warm = (seconds(lambda seed=seed: pool.result(LabConfig(seed=seed))) for seed in seeds)
    print(
        f"\n5. a new worker of a pool (the same cache folder): ready after {ready:.1f} s "
        "(TensorFlow loaded, the default shapes warm)"
    )
    print(f"  its first default run {first[0]:.2f} s, the next {warm[0]:.2f} s: {first[0] / warm[0]:.1f}x")


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
    """Parse the command line, point STATELAB_CACHE at the cache folder, run the four processes."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", help="the cache folder (default: a fresh temporary one)")
    parser.add_argument("--repeats", type=int, default=3, help="warm default runs (median)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from statelab.server.worker import tensorflow_thread_environment  # no TensorFlow in this process

    os.environ["STATELAB_CACHE"] = args.cache or tempfile.mkdtemp(prefix="statelab-bench-explore-")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # 2 would show a line per program loaded from disk
    for name, value in tensorflow_thread_environment().items():  # as the pool's workers run
        os.environ.setdefault(name, value)
    load = os.getloadavg()[0]
    print(f"cache folder: {os.environ['STATELAB_CACHE']}; {os.cpu_count()} cores, load {load:.1f}")
    report("1. one process, shapes never compiled anywhere:", in_a_process("explore", args.repeats))
    report("2. a restarted process, the same cache folder:", in_a_process("first_and_warm", args.repeats))
    report("3. another process, the edits compiled by process 1:", in_a_process("explore", args.repeats))
    warmed = in_a_process("warmed_worker", args.repeats)
    title = (
        f"4. a process warmed as an idle worker is ({pair(warmed['warm_up'])}, {warmed['memory']:.0f} MiB)"
    )
    report(f"{title}, then the changes it warmed:", warmed)
    restarted_worker()
    print(f"\nload at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
