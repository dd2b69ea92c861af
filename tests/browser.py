"""Browser test support: Debian's Chromium, a real `streamlit run` server, waits in Streamlit's own style.

Nothing here downloads a browser: Playwright drives /usr/bin/chromium through `executable_path`.
Waits follow Streamlit's end-to-end conventions (the app is connected, the script is not running,
no skeletons are left) instead of fixed sleeps.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from project import ARTIFACTS, PATIENCE, ROOT

from statelab.engine.config import LabConfig
from ui.lab_state import results_key

CHROMIUM = Path("/usr/bin/chromium")
# The same words as the Makefile's `chromium` target.
INSTALL_HINT = "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium'"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
SIZES = {"laptop": LAPTOP, "projector": PROJECTOR}
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"  # what every open tab showed when a browser test failed

CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
NOT_RUNNING = "[data-testid='stApp'][data-test-script-state='notRunning']"
SECOND = 1000  # Playwright timeouts are in milliseconds
APP_TIMEOUT = 60 * SECOND  # one script run, under load from TensorFlow workers on 2 cores
RUN_TIMEOUT = PATIENCE * SECOND  # one small training run, TensorFlow's start in a worker included
LIVE = "[data-testid='stProgress'], [data-testid='stSpinner']"
QUIET_MS = 2000  # four of the job watchers' 0.5 s reruns
# True once the script is not running and either nothing live is shown or the script state has been
# still for `quietMs`. A MutationObserver on stApp records when the script state last changed.
SETTLED = """({quietMs, live}) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return false;
  if (app.__statelabChanged === undefined) {
    app.__statelabChanged = performance.now();
    new MutationObserver(() => { app.__statelabChanged = performance.now(); })
      .observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
  }
  if (app.getAttribute("data-test-script-state") !== "notRunning") return false;
  return document.querySelectorAll(live).length === 0 || performance.now() - app.__statelabChanged >= quietMs;
}"""


def require_debian_package(path: Path, make_target: str, hint: str) -> None:
    """Make sure a Debian package's file is there: install it as root (`make <make_target>`), else skip."""
    if path.exists():
        return
    if os.geteuid() != 0:
        pytest.skip(hint)
    subprocess.run(["make", "--no-print-directory", make_target], cwd=ROOT, check=True)
    assert path.exists(), hint


def require_chromium() -> None:
    """Make sure Debian's Chromium is there (see `require_debian_package`)."""
    require_debian_package(CHROMIUM, "chromium", INSTALL_HINT)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def app_server(
    timeout: float = 120, log_path: Path | None = None, env: dict | None = None, root: Path = ROOT
) -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port until the block ends; yields its base URL.

    The server gets this process's environment (and `env`), so it uses the test session's fresh
    STATELAB_CACHE (set in project.py), and two training workers. It runs in its own process group,
    so stopping it also stops its worker processes. Its output goes to `log_path` (by default
    artifacts/server-PORT.log: servers of pytest's workers run side by side). `root` is the checkout
    whose app it runs (bench/bench_lab_ab.py runs two).
    """
    with app_process(timeout, log_path, env, root) as (url, _):
        yield url


@contextlib.contextmanager
def app_process(
    timeout: float = 120, log_path: Path | None = None, env: dict | None = None, root: Path = ROOT
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`app_server`, yielding its base URL and its process (the leader of its process group)."""
    port = free_port()
    log_path = log_path or ARTIFACTS / f"server-{port}.log"
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "STATELAB_WORKERS": "2",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if server.poll() is not None:
                pytest.fail(f"The app server exited ({server.returncode}):\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"The app server was not healthy after {timeout:.0f} s; see {log_path}")
            time.sleep(0.2)
        yield url, server
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """Stop the server as a container runtime does (SIGTERM to it: it stops its own workers), then
    SIGKILL to its process group if it lingers."""
    for stop, wait in ((server.terminate, 15), (lambda: os.killpg(server.pid, signal.SIGKILL), 5)):
        with contextlib.suppress(ProcessLookupError):
            stop()
        try:
            server.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Workers are in the same group: make sure none outlives the server.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright, headless."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        expect.set_options(timeout=APP_TIMEOUT)  # Playwright's 5 s is less than one script run under load
        try:
            yield browser
        finally:
            browser.close()


def save_open_pages(browser: Browser, name: str) -> list[Path]:
    """Screenshot and text of every tab open in `browser`, as FAILURES/NAME-N.png and .txt: what a
    failed test's pages showed (a flake leaves its evidence behind)."""
    FAILURES.mkdir(parents=True, exist_ok=True)
    stem, saved = re.sub(r"[^\w.-]+", "_", name), []
    pages = [page for context in browser.contexts for page in context.pages]
    for number, page in enumerate(pages):
        path = FAILURES / f"{stem}-{number}"
        with contextlib.suppress(Exception):  # a closed or crashed tab: save what can be saved
            path.with_suffix(".txt").write_text(
                f"{page.url}\n\n{page.locator('body').inner_text(timeout=5000)}"
            )
            page.screenshot(path=str(path.with_suffix(".png")), timeout=10 * SECOND)
            saved.append(path)
    return saved


# Known-harmless console errors, ignored one by one; every other console error fails the test.
# 1. Opening a page by its own URL (/lab) makes Streamlit's frontend look for the server under that
#    path first: GET /lab/_stcore/health and /lab/_stcore/host-config answer 404, Chromium logs each as
#    "Failed to load resource: ... 404", and the frontend then connects at the root (Streamlit's own,
#    streamlit/streamlit#7074). Only these two probes under a page path are ignored: a failed
#    /_stcore/... request at the root still fails the test.
PAGE_PATH_PROBE = re.compile(r"^/[^?#]+/_stcore/(health|host-config)$")
# 2. The tab icon (page_icon=":material/...") is a Material Symbols SVG that Streamlit's frontend
#    fetches from fonts.gstatic.com. This sandbox (like some classroom networks) has no outside access,
#    so the request fails at the network level (net::ERR_..., e.g. ERR_NAME_NOT_RESOLVED) and only the
#    tab icon is missing. An HTTP error status from that host, or any other outside host, is not ignored.
ICON_HOST = "https://fonts.gstatic.com/s/i/"


def harmless(text: str, url: str, base_url: str) -> bool:
    """Whether a console error is one of the known-harmless ones above."""
    if text.startswith("Failed to load resource: the server responded with a status of 404"):
        return url.startswith(base_url) and bool(PAGE_PATH_PROBE.match(url[len(base_url) :]))
    return text.startswith("Failed to load resource: net::ERR_") and url.startswith(ICON_HOST)


class AppPage:
    """One browser tab on the app: navigation, Streamlit-aware waits, errors seen, screenshots."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.context = context
        self.base_url = base_url
        self.page: Page = context.new_page()
        self.page.set_default_timeout(APP_TIMEOUT)  # a click or a fill waits as long as a script run may take
        self.errors: list[str] = []
        self.missing_files: list[
            str
        ] = []  # requests for files the server stores (/media/...) it did not serve
        self.unanswered: dict = {}  # request -> when it was sent (time.monotonic()), until it ends
        self.page.on("console", self._on_console)
        self.page.on("response", self._on_response)
        self.page.on("request", lambda request: self.unanswered.setdefault(request, time.monotonic()))
        for ended in ("requestfinished", "requestfailed"):
            self.page.on(ended, lambda request: self.unanswered.pop(request, None))
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught page error: {error}"))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if not harmless(message.text, url, self.base_url):
            self.errors.append(f"console error: {message.text} ({url})")

    def _on_response(self, response) -> None:
        if urlsplit(response.url).path.startswith("/media/") and not response.ok:  # not /static/media/ fonts
            self.missing_files.append(f"{response.status} {response.url}")

    def open(self, path: str = "/") -> None:
        """Load a path of the app (with its query string) and wait until its script has run."""
        self.page.goto(self.base_url + path)
        self.wait_for_app()

    def wait_for_app(self, timeout: float = APP_TIMEOUT) -> None:
        """Streamlit's own "done" signal: connected, script not running, no skeletons left."""
        self.page.wait_for_timeout(200)  # past the widgets' debounce, as Streamlit's e2e helpers do
        self.page.locator(CONNECTED).wait_for(state="attached", timeout=timeout)
        self.page.locator(NOT_RUNNING).wait_for(state="attached", timeout=timeout)
        try:
            expect(self.page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.stall_report()}") from None

    def stall_report(self) -> str:
        """Why a page may not be done: requests still unanswered, and how long the tab takes to answer.

        Skeletons are Streamlit's placeholders for elements whose code is still loading; they stay when
        a request for that code hangs (the server) or when the tab is too busy to run it (the browser).
        """
        now = time.monotonic()
        waiting = [f"{now - sent:5.1f} s {ask.method} {ask.url}" for ask, sent in self.unanswered.items()]
        started = time.monotonic()
        try:
            self.page.evaluate("() => document.readyState")
            answer = f"the tab answered a script in {time.monotonic() - started:.2f} s"
        except PlaywrightTimeoutError:  # too starved (or hung) to answer within the page's timeout
            answer = f"the tab did not answer a script in {time.monotonic() - started:.0f} s"
        return f"{answer}; requests still unanswered: {len(waiting)}" + "".join(
            f"\n  {line}" for line in sorted(waiting, reverse=True)[:20]
        )

    def settle(self, timeout: float = RUN_TIMEOUT) -> None:
        """Wait until the page is done: its script has run and any live work it started has finished.

        Live work (a run or demo in a worker) shows a progress bar or spinner inside a fragment that
        reruns twice a second until the work is done; every rerun flips the script state. The page is
        settled when no progress bar or spinner is left, or when the script state has not changed for
        QUIET_MS (a progress bar that is only a display, such as lessons answered, never goes away).
        """
        self.wait_for_app()
        try:
            self.page.wait_for_function(
                SETTLED, arg={"quietMs": QUIET_MS, "live": LIVE}, polling=100, timeout=timeout
            )
        except PlaywrightTimeoutError:
            live = self.page.locator(LIVE).all_inner_texts()
            pytest.fail(f"{self.page.url}: live work did not finish in {timeout / SECOND:.0f} s: {live}")
        self.wait_for_app()

    def train(self) -> None:
        """Press Train both models; wait until the results shown before (if any) have left the page."""
        shown = self.page.locator("[class*='st-key-results_']")
        before = shown.first.get_attribute("class") if shown.count() else ""
        self.page.get_by_role("button", name="Train both models").click()
        for name in before.split():
            if name.startswith("st-key-results_"):
                expect(self.page.locator(f".{name}")).to_have_count(0, timeout=APP_TIMEOUT)

    def wait_for_results(
        self, timeout: float = RUN_TIMEOUT, config: LabConfig | None = None, n_seeds: int = 1
    ) -> Locator:
        """Wait for a run to finish and its verdict and charts to be drawn; returns the verdict.

        With `config`, wait for that run's results (over `n_seeds` seeds), so that the results of a run
        shown earlier on the page are never taken for it.
        """
        scope = self.page if config is None else self.page.locator(f".st-key-{results_key(config, n_seeds)}")
        verdict = self.verdict(scope)
        # Stop waiting at once if the page shows an exception or says the run failed.
        failed = self.page.get_by_test_id("stException").or_(self.page.get_by_text("The run did not finish"))
        expect(verdict.or_(failed).first).to_be_visible(timeout=timeout)
        assert not failed.count(), f"{self.page.url}: the run failed: {failed.all_inner_texts()}"
        expect(scope.locator(".js-plotly-plot .scatterlayer .trace").first).to_be_visible(timeout=APP_TIMEOUT)
        self.wait_for_app()
        return verdict

    def verdict(self, scope: Page | Locator | None = None) -> Locator:
        """The verdict of a finished run (an info box that names the stateful model's score)."""
        return (
            (scope or self.page)
            .get_by_test_id("stAlertContentInfo")
            .filter(has_text=re.compile(r"Stateful|stateful"))
        )

    def nav_links(self) -> list[str]:
        """The pages in the sidebar navigation, as paths (discovered, never hard-coded)."""
        links = self.page.locator("[data-testid='stSidebarNav'] a")
        expect(links.first).to_be_attached(timeout=APP_TIMEOUT)
        paths = []
        for index in range(links.count()):
            href = links.nth(index).get_attribute("href") or ""
            path = "/" + (href[len(self.base_url) :] if href.startswith(self.base_url) else href).lstrip("/")
            paths.append(path)
        return paths

    def number_input(self, label: str) -> Locator:
        """The text box of the number input with this label."""
        return self.page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")

    def type_number(self, label: str, value: int) -> None:
        """Type a value into a number input the way a person does: select all, type, leave with Tab."""
        box = self.number_input(label)
        # while a rerun redraws the form, the old input and its replacement are both on the page for a
        # moment (seen once in a fresh-clone run): type into the one input that stays
        expect(box).to_have_count(1)
        box.click()
        box.press("ControlOrMeta+a")
        box.press_sequentially(str(value))
        box.press("Tab")
        expect(box).to_have_value(str(value))

    def choose_radio(self, group: str, option: str) -> None:
        """Click the option (by its visible text) of the radio group with this label."""
        radio = self.page.get_by_test_id("stRadio").filter(has_text=group)
        radio.get_by_text(option, exact=False).first.click()

    def select(self, label: str, option: str) -> None:
        """Pick an option of the select box with this label. Right after a file upload, the rerun it
        starts may close a list that was just opened, so the list is opened again until it stays open."""
        choice = self.page.get_by_role("option", name=option)
        for _ in range(5):
            self.wait_for_app()
            self.page.get_by_role("combobox", name=label).focus()
            self.page.keyboard.press("ArrowDown")
            try:
                choice.wait_for(timeout=3_000)
                break
            except PlaywrightTimeoutError:
                continue
        choice.click()
        self.wait_for_app()

    def checked_option(self, group: str) -> Locator:
        """The checked option of the radio group with this label."""
        radio = self.page.get_by_test_id("stRadio").filter(has_text=group)
        return radio.locator("label:has(input:checked)")

    def query(self) -> dict[str, str]:
        """The query parameters of the page's URL."""
        return dict(parse_qsl(urlsplit(self.page.url).query))

    def predict(self, option: int = 0) -> Locator:
        """Answer the open preset's question with its option number `option` and press Run it."""
        question = self.page.locator(".st-key-preset_question")
        question.get_by_test_id("stRadio").locator("label:has(input)").nth(option).click()
        self.wait_for_app()
        question.get_by_role("button", name="Run it").click()
        return question

    def screenshot(self, name: str, restore: bool = True) -> list[Path]:
        """Save what fits on the screen and the whole page (Streamlit scrolls inside the app, so a
        "full page" browser screenshot would stop at the viewport): NAME-WxH.png and NAME-WxH-full.png.

        The page is as tall as its content for the second; `restore=False` leaves it so, for a caller that
        sets another size next (each resize redraws every chart on the page).
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        stem = f"{name}-{size['width']}x{size['height']}"
        screen = SCREENSHOTS / f"{stem}.png"
        self.page.screenshot(path=str(screen))
        height = self.page.evaluate(
            """() => Math.max(document.documentElement.scrollHeight,
                   ...[...document.querySelectorAll(
                       "[data-testid='stMain'], [data-testid='stSidebarContent']")]
                       .map(element => element.scrollHeight))"""
        )
        full = SCREENSHOTS / f"{stem}-full.png"
        self.page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        try:
            self.wait_for_app()
            self.page.wait_for_timeout(300)  # Plotly redraws its charts for the new width
            self.page.screenshot(path=str(full))
        finally:
            if restore:
                self.page.set_viewport_size(size)
        return [screen, full]

    def exceptions(self) -> list[str]:
        """The text of every exception element Streamlit shows."""
        return self.page.get_by_test_id("stException").all_inner_texts()

    def assert_clean(self, where: str) -> None:
        """No exception element on the page and no console error so far."""
        assert not self.exceptions(), f"{where}: the app shows an exception: {self.exceptions()}"
        assert not self.errors, f"{where}: errors in the browser console: {self.errors}"
