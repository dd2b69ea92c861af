"""A class on one server: 30 learners arrive on loopback and each waits for a result; figures printed.

    .venv/bin/python bench/bench_load.py [--learners 30] [--arrival 3] [--timeout 900] [--warm]

Starts the real app (`streamlit run`, two workers, a fresh cache) and, after one learner alone has
timed one run of the default settings (already compiled by every worker), lets the class arrive
within `--arrival` seconds. Every learner is a light client that speaks Streamlit's WebSocket
protocol as the browser does (tests/streamlit_client.py): it opens a Lab link, answers the page's
progress refreshes, and waits for the verdict. The mix: a third open one preset's link (the same run
for all of them: trained once), a third the default settings with their own seed, a third their own
settings (another task, reset policy or shuffle, and their seed).

Printed: failures (no verdict in time, a traceback, or a failure message); p50 and p95 time to
result, also as multiples of the ideal queue time (distinct runs / workers x one run); how long a
page takes to show a result once it is in the cache; the server process's CPU and memory; the
workers' memory; the light clients' CPU. With --warm the cache warming runs as on a real server (the
class arrives while it runs); without, nothing is warmed, so every distinct run queues. The browsers
of a class are on their own machines; here the light clients share this one, so the times are
pessimistic on a small machine. Streamlit's own load tests (e2e_playwright/load_testing) sample the
server the same way: its CPU and memory every half second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import app_server  # noqa: E402  (also sets a fresh STATELAB_CACHE)
from machine import child_processes, cpu_seconds  # noqa: E402
from streamlit_client import StreamlitSession, open_page  # noqa: E402

from statelab.engine.config import LabConfig, to_query  # noqa: E402
from statelab.engine.work import lab_job  # noqa: E402
from statelab.server.result_cache import ResultCache  # noqa: E402
from statelab.teaching.presets import PRESETS  # noqa: E402

WORKERS = 2  # what tests/browser.py's app_server gives the server
VERDICT = "tateful"  # the verdict names the stateful model
CUSTOM = [  # "their own settings": changes that cost about as much as the default run
    {"task": "running_total"},
    {"task": "control"},
    {"reset": "never"},
    {"shuffle": True},
    {"reset": "epoch"},
]


def learner_configs(learners: int, preset: str) -> list[LabConfig]:
    """The class's mix: a third one preset, a third the default with their own seed, a third their own
    settings (and seed)."""
    configs = []
    for index in range(learners):
        if index % 3 == 0:
            configs.append(PRESETS[preset].config())
        elif index % 3 == 1:
            configs.append(LabConfig(seed=100 + index))
        else:
            configs.append(replace(LabConfig(seed=100 + index), **CUSTOM[index % len(CUSTOM)]))
    return configs


def link(config: LabConfig) -> str:
    """The Lab's query string for a config."""
    return "&".join(f"{name}={value}" for name, value in to_query(config).items()) or "seed=0"


@dataclass
class Outcome:
    """What one learner saw: seconds to the verdict (None if none came) and what went wrong."""

    seconds: float | None
    problem: str = ""
    opened: float = 0.0  # when the page was opened (time.time)


def finished(tab: StreamlitSession) -> bool:
    """Whether a learner's tab shows the verdict, a traceback or a failure message."""
    verdict = tab.first_alert(VERDICT, ("info",))
    return bool(tab.exceptions or verdict is not None or tab.first_alert("did not finish") is not None)


async def learn(url: str, config: LabConfig, delay: float, timeout: float) -> Outcome:
    """One learner: arrive after `delay` seconds, open the link, wait for the verdict."""
    await asyncio.sleep(delay)
    try:
        session = await open_page(url, "lab", link(config))
    except Exception as error:  # the server refused or dropped the connection
        return Outcome(None, f"could not connect: {error}")
    try:
        await session.shows(finished, timeout)
    finally:
        await session.close()
    if session.exceptions:
        return Outcome(None, f"traceback: {session.exceptions[0][:200]}")
    if session.first_alert("did not finish") is not None:
        return Outcome(None, next(text for _, _, text in session.alerts if "did not finish" in text)[:200])
    seconds = session.first_alert(VERDICT, ("info",))
    problem = "" if seconds is not None else session.closed or f"no result in {timeout:.0f} s"
    return Outcome(seconds, problem, session.opened)


class Sampler:
    """Every half second: the server process's CPU time and memory, its workers' memory (Linux /proc),
    and which of the class's results have reached the cache."""

    def __init__(self, server_pid: int, configs: list[LabConfig]):
        self.server_pid = server_pid
        self.configs, self.cache = set(configs), ResultCache()  # the server's cache (STATELAB_CACHE)
        self.stored: dict[
            LabConfig, float
        ] = {}  # config -> when its result was first seen in the cache (time.time)
        self.server_rss: list[float] = []
        self.worker_rss: dict[int, float] = {}  # pid -> peak MiB
        self.stop = threading.Event()
        self.cpu_start = cpu_seconds(server_pid)
        self.clients_cpu_start = cpu_seconds(os.getpid())
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.5):
            self.server_rss.append(rss_mib(self.server_pid) or 0.0)
            for config in self.configs - set(self.stored):
                if self.cache.has(lab_job(config)):
                    self.stored[config] = time.time()
            for pid in child_processes(self.server_pid):
                rss = rss_mib(pid)
                if rss:
                    self.worker_rss[pid] = max(rss, self.worker_rss.get(pid, 0.0))

    def finish(self) -> tuple[float, float, float, float, float]:
        """(server cores on average, server peak MiB, largest worker peak MiB, largest peaks summed,
        the load clients' cores on average)."""
        self.stop.set()
        self.thread.join()
        seconds = time.monotonic() - self.started
        cores = (cpu_seconds(self.server_pid) - self.cpu_start) / seconds
        clients = (cpu_seconds(os.getpid()) - self.clients_cpu_start) / seconds
        peaks = sorted(self.worker_rss.values())
        server_peak = max(self.server_rss, default=0.0)
        return cores, server_peak, max(peaks, default=0.0), sum(peaks[-WORKERS:]), clients


def rss_mib(pid: int) -> float | None:
    """Resident memory of a process in MiB, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def report(
    outcomes: list[Outcome], configs: list[LabConfig], single: float, sampled, stored: dict, wall: float
) -> None:
    """Print the figures."""
    times = [outcome.seconds for outcome in outcomes if outcome.seconds is not None]
    lags = [  # from the result in the cache (or the page opened, if later) to the verdict on the page
        outcome.opened + outcome.seconds - max(stored[config], outcome.opened)
        for outcome, config in zip(outcomes, configs, strict=True)
        if outcome.seconds is not None and config in stored
    ]
    failed = [outcome.problem for outcome in outcomes if outcome.seconds is None]
    distinct = len(set(configs))
    ideal = distinct / WORKERS * single
    cores, server_peak, worker_peak, workers_total, clients = sampled
    print(f"\n{len(outcomes)} learners, {distinct} distinct runs, {WORKERS} workers, over in {wall:.0f} s")
    print(f"one run alone (page to verdict):   {single:6.1f} s  (the default settings, compiled)")
    print(f"ideal queue time for the class:    {ideal:6.1f} s  ({distinct} runs / {WORKERS} workers x one)")
    print(f"failed:                            {len(failed):6d}")
    for problem in sorted(set(failed)):
        print(f"    {failed.count(problem)} x {problem}")
    if times:
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(f"time to result p50:                {p50:6.1f} s  = {p50 / ideal:4.2f} x ideal")
        print(f"time to result p95:                {p95:6.1f} s  = {p95 / ideal:4.2f} x ideal")
        print(f"time to result max:                {max(times):6.1f} s  = {max(times) / ideal:4.2f} x ideal")
    if lags:
        p50, p95 = statistics.median(lags), percentile(lags, 0.95)
        print(f"result cached -> shown, p50 / p95: {p50:6.1f} s / {p95:.1f} s  (max {max(lags):.1f} s)")
    print(f"server process: {cores:.2f} cores on average, {server_peak:.0f} MiB peak")
    print(f"workers: {worker_peak:.0f} MiB peak for one, {workers_total:.0f} MiB for the {WORKERS} largest")
    print(f"the {len(outcomes)} light clients (this process): {clients:.2f} cores on average")


async def warm_up(url: str, timeout: float) -> None:
    """The workers start TensorFlow, then every worker compiles the default settings' shape."""
    await learn(url, LabConfig(seed=99, epochs=1, n_groups=1), 0, timeout)
    await asyncio.gather(*(learn(url, LabConfig(seed=seed), 0, timeout) for seed in range(95, 95 + WORKERS)))


async def arrive(url: str, configs: list[LabConfig], delays: list[float], timeout: float) -> list[Outcome]:
    """The class: each learner arrives after their delay and waits for their result."""
    return await asyncio.gather(
        *(learn(url, config, delay, timeout) for config, delay in zip(configs, delays, strict=True))
    )


def main() -> None:
    """Time one run alone, then the class, and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=30, choices=range(1, 101), metavar="1..100")
    parser.add_argument("--arrival", type=float, default=3.0, help="seconds over which the class arrives")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds a learner waits at most")
    parser.add_argument("--preset", default="never_reset", choices=sorted(PRESETS))
    parser.add_argument("--warm", action="store_true", help="warm the cache at start, as a real server does")
    args = parser.parse_args()
    os.environ["STATELAB_WARM"] = "1" if args.warm else "0"
    configs = learner_configs(args.learners, args.preset)
    with app_server() as url:
        (server_pid,) = child_processes(os.getpid())
        asyncio.run(warm_up(url, args.timeout))
        single = asyncio.run(learn(url, LabConfig(seed=97), 0, args.timeout)).seconds or float("nan")
        sampler = Sampler(server_pid, configs)
        started = time.monotonic()
        delays = [args.arrival * index / max(1, args.learners - 1) for index in range(args.learners)]
        outcomes = asyncio.run(arrive(url, configs, delays, args.timeout))
        wall = time.monotonic() - started
        report(outcomes, configs, single, sampler.finish(), sampler.stored, wall)


if __name__ == "__main__":
    main()
