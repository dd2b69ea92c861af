"""CPU seconds of a process and of the whole machine, and a process's children (psutil), for the
suite's time summary, the benches and tools/cpu_per_test.py."""

from __future__ import annotations

import psutil


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of every core since the machine started (busy: all but idle and I/O wait)."""
    times = psutil.cpu_times()
    every = sum(times)
    return every - times.idle - getattr(times, "iowait", 0.0), every


def child_processes(pid: int) -> list[int]:
    """The pids of a process's children, whichever of its threads started them."""
    return [child.pid for child in psutil.Process(pid).children()]
