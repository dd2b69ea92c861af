"""The Lab's answer to Train in two versions of the app, side by side in one run.

    .venv/bin/python bench/bench_lab_ab.py REVISION [--edits 10]

Starts this checkout's app and the app at git REVISION (checked out in a temporary worktree, run
with this checkout's .venv), each with one training worker and a cache folder of its own, and opens
the Lab on both in headless Chromium (the default run trains, so each worker has compiled the
default shapes). Then for seeds 1, 2, ... it changes the seed on both, in turn (alternating which
goes first), and times the click on Train until the run's verdict and chart show: a warm run, so
the figure is the page's share of the answer plus one run. It prints each pair, the medians and
their ratio. Both servers share this machine's two cores with the browser: compare the two
columns, measured minutes apart at most, rather than a figure with one from another day.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lab_answer import time_edit  # noqa: E402
from browser import LAPTOP, ROOT, AppPage, app_server, chromium  # noqa: E402


@contextlib.contextmanager
def worktree(revision: str):
    """A temporary checkout of `revision`, removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="statelab-ab-")) / "app"
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), revision], cwd=ROOT, check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=True)


def serve(stack: contextlib.ExitStack, root: Path, name: str) -> str:
    """Start `root`'s app with one worker and a fresh cache folder of its own; its base URL."""
    env = {"STATELAB_WORKERS": "1", "STATELAB_WARM_SHAPES": "0", "STATELAB_CACHE": tempfile.mkdtemp()}
    log_path = Path(tempfile.gettempdir()) / f"bench-lab-ab-{name}.log"
    return stack.enter_context(app_server(env=env, log_path=log_path, root=root))


def main() -> None:
    """Start both apps, time the same seed edits on each in turn, print the pairs and the medians."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("revision", help="the git revision to compare this checkout with (e.g. HEAD~1)")
    parser.add_argument("--edits", type=int, default=10, help="seed edits timed on each version")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        roots = {args.revision: stack.enter_context(worktree(args.revision)), "this checkout": ROOT}
        urls = {name: serve(stack, root, str(index)) for index, (name, root) in enumerate(roots.items())}
        browser = stack.enter_context(chromium())
        apps = {name: AppPage(browser.new_context(viewport=LAPTOP), url) for name, url in urls.items()}
        for app in apps.values():
            app.open("/lab")
            app.wait_for_results()  # the default run, trained
        seconds = {name: [] for name in apps}
        for seed in range(1, args.edits + 1):
            order = list(apps) if seed % 2 else list(reversed(apps))
            for name in order:
                seconds[name].append(time_edit(apps[name], "Seed", seed))
            print(
                f"seed {seed:2}: " + "  ".join(f"{name} {seconds[name][-1]:5.2f} s" for name in apps),
                flush=True,
            )
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    for name, median in medians.items():
        print(f"{name:>20}: median click -> verdict and chart {median:.2f} s")
    print(f"this checkout / {args.revision}: {medians['this checkout'] / medians[args.revision]:.2f}")


if __name__ == "__main__":
    main()
