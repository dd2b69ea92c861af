"""How long "Train both models" takes to show a result after a settings change, in a real browser.

    .venv/bin/python bench/bench_lab_answer.py [--pause SECONDS] [--cache DIR] [--idle-timeout 900]

Starts the real app (`streamlit run`, two workers, the cache folder given or a fresh one), waits
until its workers are idle (the result cache and the form's common shapes warmed), then, in
headless Chromium, opens the Lab (the default run, from the cache) and for each edit below types
the new value, waits `--pause` seconds (a learner reading the note under Train; 0 by default),
presses Train and times the click until the run's verdict and chart are on the page. While the
learner pauses, a worker with nothing else to do trains the edit ahead (JobPool.run_ahead). Each
edit is a new learner (a browser context of its own, so the form starts from the defaults) and a
run nobody trained before: the timing covers the queue, the worker's run (compiling what it must),
the cache and the page's redraw.
Run it on an idle machine for the figure that counts; the browser runs on this machine too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_watchers import only_child  # noqa: E402
from browser import LAPTOP, AppPage, app_server, chromium  # noqa: E402
from machine import child_processes, cpu_seconds  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from statelab.engine.compile_cache import programs_folder  # noqa: E402
from statelab.engine.config import LabConfig  # noqa: E402
from statelab.server.warm_shapes import common_configs  # noqa: E402
from ui.lab_state import results_key  # noqa: E402

EDITS = {  # label of the number input -> value; "warmed": a change the idle workers compiled beforehand
    "seed 1 (no new shape)": ("Seed", 1),
    "batch 17 (warmed)": ("Batch size (streams side by side)", 17),
    "timesteps 11 (warmed)": ("Timesteps (window length)", 11),
    "units 16 (warmed)": ("Units", 16),
    "windows 6 (no new shape)": ("Windows per stream", 6),
    "batch 20 (never compiled)": ("Batch size (streams side by side)", 20),
}
FIELDS = {
    "Seed": "seed",
    "Batch size (streams side by side)": "batch_size",
    "Timesteps (window length)": "timesteps",
    "Units": "units",
    "Windows per stream": "n_windows",
}


def wait_until_idle(server_pid: int, timeout: float, quiet_seconds: float = 10.0) -> float:
    """Wait until the warm-up is done: the shared folder holds the warmed shapes' programs (three a
    shape) and the server's processes used under 5 % of a core for `quiet_seconds`; seconds waited."""
    started, programs = time.monotonic(), programs_folder()
    expected = 3 * len(common_configs())
    while time.monotonic() - started < timeout:
        processes = [server_pid, *child_processes(server_pid)]
        before = sum(cpu_seconds(pid) for pid in processes if Path(f"/proc/{pid}").exists())
        time.sleep(quiet_seconds)
        after = sum(cpu_seconds(pid) for pid in processes if Path(f"/proc/{pid}").exists())
        if after - before < 0.05 * quiet_seconds and len(list(programs.glob("*.pb"))) >= expected:
            return time.monotonic() - started
    raise TimeoutError(f"The server's workers were still busy after {timeout:.0f} s.")


def time_edit(app: AppPage, label: str, value: int, pause: float) -> float:
    """Seconds from pressing Train, `pause` seconds after typing `value` into `label`, until its verdict
    and chart show."""
    app.open("/lab")
    app.type_number(label, value)
    app.wait_for_app()
    app.page.wait_for_timeout(pause * 1000)
    config = LabConfig(**{FIELDS[label]: value})
    results = app.page.locator(f".st-key-{results_key(config, 1)}")
    started = time.perf_counter()
    app.page.get_by_role("button", name="Train both models").click()
    expect(app.verdict(results)).to_be_visible(timeout=600_000)
    expect(results.locator(".js-plotly-plot .scatterlayer .trace").first).to_be_visible(timeout=60_000)
    return time.perf_counter() - started


def main() -> None:
    """Start the app, wait for its warm-up, time each edit and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", help="the cache folder (default: a fresh temporary one)")
    parser.add_argument("--idle-timeout", type=float, default=900.0, help="seconds to wait for the warm-up")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between the edit and Train")
    args = parser.parse_args()
    if args.cache:
        os.environ["STATELAB_CACHE"] = args.cache
    with app_server(env={"STATELAB_WARM_SHAPES": "1"}) as url:
        server_pid = only_child()
        with chromium() as browser:
            AppPage(browser.new_context(viewport=LAPTOP), url).open("/lab")  # starts the pool and its warm-up
            waited = wait_until_idle(server_pid, args.idle_timeout)
            print(f"warm-up done after {waited:.0f} s; load {os.getloadavg()[0]:.1f}; pause {args.pause:g} s")
            for name, (label, value) in EDITS.items():
                app = AppPage(browser.new_context(viewport=LAPTOP), url)  # a new learner: the defaults
                seconds = time_edit(app, label, value, args.pause)
                print(f"{name:28} Train -> result {seconds:5.2f} s", flush=True)
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
