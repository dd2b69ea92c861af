"""Shared test settings and the suite's layout on pytest's worker processes.

pyproject.toml puts the project root and tests/ on sys.path (`pythonpath`). `make test` runs the
suite with pytest-xdist, one worker process more than the cores (`-n 3 --dist loadgroup` on 2 cores:
tests spend much of their time waiting for other processes; see the Makefile): a test goes to
whichever worker is free, except the tests of one group (`pytest.mark.xdist_group`), which share one
worker and its module fixtures: the browser tests of a group share one real server and one Chromium.
The heaviest groups and files are handed out first, so no worker is left with a long one at the end.
At the end, the run prints where its time went, per kind of test (its markers).
"""

import os
import shutil
import sys
from collections import defaultdict

import project  # sets the test environment: see tests/project.py
import pytest
from browser import app_server, chromium, require_chromium, save_open_pages
from machine import machine_cpu

SESSION_MAIN = sys.modules.get("__main__")  # pytest's own
# One training worker for a test process's own pool (AppTest pages): pytest's workers already use every
# core, and each training worker is a TensorFlow start. Servers started by the tests get two (browser.py).
os.environ["STATELAB_WORKERS"] = "1"
# The suite's processes (pytest's workers and what they start: servers, training workers, scripts) run
# a step below the browser. Chromium gives the renderer of a page it shows niceness 0 whatever it was
# started with (seen with `ps` on Chromium 156, as root; without root it cannot and keeps ours), so in a
# suite that keeps both cores busy a page still draws at the speed a learner's own computer gives it.
# The Lab took 34-58 s of a renderer throttled eightfold (Chrome DevTools' CPU throttling) to show a
# run, and an official run failed once waiting 60 s for the Lab's page to finish drawing.
SUITE_NICENESS = 5
if os.getpriority(os.PRIO_PROCESS, 0) < SUITE_NICENESS:
    os.setpriority(os.PRIO_PROCESS, 0, SUITE_NICENESS)
# Training workers at the test processes' own priority: pytest's workers keep every core busy, and a
# worker at the server's usual +10 got a tenth of a core beside them (a run then outlasted its limit).
os.environ["STATELAB_WORKER_NICENESS"] = "0"
# Servers' workers do not compile the form's common shapes between the tests' jobs: that would take the
# suite's cores and hold up jobs (bench/bench_lab_answer.py measures the warmed server).
os.environ["STATELAB_WARM_SHAPES"] = "0"
# Nor do they train the settings a test types in before it presses Train (JobPool.run_ahead), for the same
# reason; test_e2e's own server for it turns it on.
os.environ["STATELAB_RUN_AHEAD"] = "0"
# The kinds of test, by marker, in the order the time summary names them; the rest are "unit".
KINDS = ("browser", "server", "build", "slow", "training")
# Module fixtures that train Keras models or start worker processes: a test that uses one is a training test.
TRAINING_FIXTURES = {
    "scripts",  # test_codegen: every exported script run
    "executed",  # test_notebooks: every notebook run
    "pool",  # test_jobs: a job pool and its workers
    "fresh_pool",
    "own_job_pool",  # test_warm_up
    "cue_run",  # test_lab_page: the Lab page's run
    "facts",  # test_keras_facts, test_layer_facts, test_practice: the facts' experiments
    "tiny_result",  # test_training
    "real_trace",  # test_continuity_views
}
# Handed out first: the claims over seeds train the lessons' checks at their real settings into the run's
# shared cache, so that the lesson pages the browser tests open (each queues its checks' runs) find them
# done (the every-page walk took 269 s before, 127 s after), and the Keras facts run the lessons' live
# demos into it (tests/run_cache.py); then the groups and files that take longest (test_lessons' pages
# run at tiny settings of their own: they share no run with the browser tests).
FIRST = (
    "test_claims.py",
    "test_keras_facts.py",
    "test_practice.py",
    "test_layer_facts.py",
    "test_lessons.py",
    "browser-lab",
    "browser-pages",
    "test_jobs.py",
    "test_faults.py",
    "test_layer_claims.py",
    "test_notebooks.py",
    "test_codegen.py",
)
# Files whose tests are independent experiments: each goes to whichever worker is free. The tests of
# every other file stay together on one worker (they share module fixtures: one pool, one run of the
# exported scripts, one wheel). The browser tests form two groups, each on one worker with that
# worker's server: the Lab's tests, and the walks through pages (every page, the class, the plan).
SPREAD = ("test_claims.py",)
PAGE_WALKS = ("test_classroom_e2e.py", "test_plan_print.py", "test_e2e.py::test_every_page")


def pytest_configure(config: pytest.Config) -> None:
    """On the controller (or a run without workers) of the outermost run: this run's screenshots and
    failed tests' tabs only."""
    if not hasattr(config, "workerinput") and project.OUTERMOST:
        for folder in ("screenshots", "failures"):
            shutil.rmtree(project.ARTIFACTS / folder, ignore_errors=True)


def group(item: pytest.Item) -> str | None:
    """The worker group of a test: one of two for the browser tests, else its file (None: spread)."""
    if "app_url" in getattr(item, "fixturenames", ()):
        place = f"{item.path.name}::{item.name}"
        return "browser-pages" if place.startswith(PAGE_WALKS) else "browser-lab"
    return None if item.path.name in SPREAD else item.path.name


def first_rank(item: pytest.Item) -> int:
    """Where an item's group or file stands in FIRST (len(FIRST) when it is not there)."""
    names = (group(item), item.path.name)
    return next((index for index, name in enumerate(FIRST) if name in names), len(FIRST))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test's worker group and training mark; the long groups and files first (a stable sort: files
    keep their order)."""
    for item in items:
        if TRAINING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.training)
        if name := group(item):
            item.add_marker(pytest.mark.xdist_group(name))
    items.sort(key=first_rank)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A browser test that failed leaves a screenshot and the text of every tab it had open."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.failed and call.when == "call" and browser is not None:
        saved = save_open_pages(browser, item.name)
        report.sections.append(("open tabs", "\n".join(map(str, saved)) or "none could be saved"))
    return report


@pytest.fixture(autouse=True)
def keep_main_module():
    """Every test starts and ends with pytest's own `__main__`: an AppTest run (also in a module-scoped
    fixture) can leave its page script there, and a process spawned later (the cache race test) would
    re-run that script first."""
    sys.modules["__main__"] = SESSION_MAIN
    yield
    sys.modules["__main__"] = SESSION_MAIN


@pytest.fixture(scope="session")
def app_url():
    """One real `streamlit run` server for the browser tests of this worker (they share its cache)."""
    require_chromium()
    with app_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser(app_url):
    """Debian's Chromium, once for the browser tests of this worker."""
    with chromium() as browser:
        yield browser


def kind(keywords) -> str:
    """The kind of a test (its first marker in KINDS), for the time summary."""
    return next((name for name in KINDS if name in keywords), "unit")


class Tally:
    """Seconds and tests per name (a kind of test, or a file)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.tests: dict[str, set[str]] = defaultdict(set)

    def add(self, name: str, report: pytest.TestReport) -> None:
        self.seconds[name] += report.duration
        self.tests[name].add(report.nodeid)

    def lines(self, top: int) -> list[str]:
        """The `top` names that took longest, with their seconds and number of tests."""
        names = sorted(self.seconds, key=self.seconds.get, reverse=True)[:top]
        width = max(map(len, names), default=0)
        return [
            f"{name:>{width}}: {self.seconds[name]:7.1f} s in {len(self.tests[name])} tests" for name in names
        ]


class TimeByKind:
    """Seconds spent per kind of test and per file (setup, call and teardown), summed over every worker,
    and each worker's busy time against the run's: where a worker waited with nothing to run."""

    def __init__(self) -> None:
        self.kinds, self.files, self.workers = Tally(), Tally(), Tally()
        self.cpu_at_start = machine_cpu()
        self.spans: dict[str, tuple[float, float]] = {}  # worker -> (first start, last stop)
        self.last: dict[str, str] = {}  # worker -> the file of its last test

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.kinds.add(kind(report.keywords), report)
        self.files.add(report.nodeid.split("::")[0], report)
        worker = getattr(getattr(report, "node", None), "gateway", None)
        name = worker.id if worker else "main"
        self.workers.add(name, report)
        first, last = self.spans.get(name, (report.start, report.stop))
        self.spans[name] = (min(first, report.start), max(last, report.stop))
        self.last[name] = report.nodeid.split("::")[0]

    def pytest_terminal_summary(self, terminalreporter) -> None:
        terminalreporter.section("time per kind of test (summed over workers)")
        for line in self.kinds.lines(len(KINDS) + 1):
            terminalreporter.write_line(line)
        terminalreporter.section("the 15 files that took longest (summed over workers)")
        for line in self.files.lines(15):
            terminalreporter.write_line(line)
        (busy, total), (busy_before, total_before) = machine_cpu(), self.cpu_at_start
        busy, total = busy - busy_before, total - total_before
        terminalreporter.write_line(
            f"The machine's cores were busy {busy:.0f} of {total:.0f} core-seconds ({busy / total:.0%})."
        )
        if not self.spans:
            return
        terminalreporter.section("each worker: seconds in tests, and when its last test ended")
        start = min(first for first, _ in self.spans.values())
        for name in sorted(self.spans):
            terminalreporter.write_line(
                f"{name}: {self.workers.seconds[name]:7.1f} s in tests, last ended at "
                f"{self.spans[name][1] - start:7.1f} s ({self.last[name]})"
            )


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """The time summary, kept where the reports arrive: on the controller (or a run without workers)."""
    if not hasattr(session.config, "workerinput"):
        session.config.pluginmanager.register(TimeByKind(), "time_by_kind")
