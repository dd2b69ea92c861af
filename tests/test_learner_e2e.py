"""The learner's way back, in the real app and Debian's Chromium: one browser is one learner (a cookie, never
the address), and the Lab's controls and uploaded series follow them to other pages and across a reload.
"""

from __future__ import annotations

import re

import pytest
from browser import LAPTOP, PROJECTOR, RUN_TIMEOUT, AppPage
from playwright.sync_api import expect
from series_example import example_csv

from statelab.engine.config import LabConfig
from statelab.teaching.lessons import lesson
from statelab.teaching.presets import PRESETS
from ui.learner import COOKIE

pytestmark = pytest.mark.browser

SERIES_NOTE = "levels.csv, column 'level': 600 values (1 gap(s) filled)"
PHONE = {"width": 390, "height": 844}
# The preset buttons whose text overflows its box (an ellipsis, or text cut at the edge).
CUT_LABELS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((button) => [button, ...button.querySelectorAll("*")].some(
    (node) => node.scrollWidth > node.clientWidth + 1 || getComputedStyle(node).textOverflow === "ellipsis"
      && node.scrollWidth > node.clientWidth))
  .map((button) => button.innerText)"""


@pytest.fixture
def context(browser):
    """A fresh browser context: a browser with no cookies yet."""
    context = browser.new_context(viewport=LAPTOP)
    try:
        yield context
    finally:
        context.close()


def learner_cookie(context) -> str:
    """The learner id this browser keeps."""
    return next(cookie["value"] for cookie in context.cookies() if cookie["name"] == COOKIE)


def answered_text(app: AppPage) -> str:
    """The lesson index's progress line: "N of M checks answered; ..."."""
    app.open("/lessons")
    return app.page.get_by_test_id("stProgress").inner_text()


def test_the_same_browser_is_the_same_learner_on_any_page_and_a_new_browser_is_not(context, browser, app_url):
    """Issue 23.1: a check answered, then /lessons in a new tab counts it; a new browser counts nothing."""
    app = AppPage(context, app_url)
    item = lesson(7)
    app.open(f"/{item.url}")
    expect(app.page.get_by_text("kept on this server for this browser")).to_be_visible()  # where it lives
    app.page.get_by_text("No: exactly zero").click()
    app.wait_for_app()
    app.page.get_by_role("button", name="Run it").click()
    expect(app.page.get_by_text(re.compile("Your prediction (held|did not hold)"))).to_be_visible(
        timeout=RUN_TIMEOUT
    )
    learner = learner_cookie(context)
    tab = AppPage(context, app_url)  # a new tab of the same browser, by the plain address
    expect_text = re.compile(r"^1 of \d+ checks answered")
    assert expect_text.search(answered_text(tab)), tab.page.url
    assert learner_cookie(context) == learner
    for page in (app, tab):
        assert "learner" not in page.page.url, page.page.url  # the id never goes into the address
    app.open("/lessons")  # and another page of the first tab, by its address
    expect(app.page.get_by_test_id("stProgress")).to_contain_text(expect_text)
    other_context = browser.new_context(viewport=LAPTOP)
    try:
        other = AppPage(other_context, app_url)
        assert answered_text(other).startswith("0 of "), other.page.url
        assert learner_cookie(other_context) != learner
        other.assert_clean("a second browser")
    finally:
        other_context.close()
    # An address from before the cookie names its learner: a browser that has one stays itself.
    app.open(f"/lessons?learner={learner_cookie(context)[::-1]}")
    expect(app.page.get_by_test_id("stProgress")).to_contain_text(expect_text)
    assert "learner" not in app.page.url, app.page.url
    for page in (app, tab):
        page.assert_clean("a learner's pages")


def test_the_uploaded_series_and_untrained_settings_follow_the_learner(context, app_url):
    """Issue 23.2: an uploaded, untrained series and an edited setting survive a reload; lesson 10,
    reached from the sidebar, finds the series, and its Lab link opens it."""
    app = AppPage(context, app_url)
    app.open("/lab")
    app.page.get_by_text("Your own series (CSV)").click()
    upload = app.page.get_by_test_id("stFileUploader").locator("input[type=file]")
    upload.set_input_files(files=[{"name": "levels.csv", "mimeType": "text/csv", "buffer": example_csv()}])
    expect(app.page.get_by_text(SERIES_NOTE)).to_be_visible()
    app.type_number("Batch size", 32)  # not trained
    untrained = app.page.get_by_text(re.compile("Not trained yet: .*batch 32"))
    expect(untrained).to_be_visible()  # the column has rerun: it has kept the edit in this browser
    app.page.reload()
    app.wait_for_app()
    expect(app.page.get_by_role("combobox", name="Task")).to_have_value("Forecast: your own series (CSV)")
    expect(app.number_input("Batch size")).to_have_value("32")
    expect(app.page.get_by_text(f"Your series from before: {SERIES_NOTE}")).to_be_visible()
    expect(untrained).to_be_visible()
    app.page.get_by_test_id("stSidebarNav").get_by_text(f"10. {lesson(10).nav}").click()
    app.wait_for_app()
    own = app.page.get_by_text("Upload a CSV in the Lab")
    expect(own).to_have_count(0)  # the series is found without a link naming it
    link = app.page.get_by_role("link", name=re.compile(r"Lab: your own series \(levels\.csv"))
    expect(link).to_be_visible()
    app.page.reload()  # a new session on lesson 10: the series is still this learner's
    app.wait_for_app()
    expect(link).to_be_visible()
    expect(own).to_have_count(0)
    expect(app.page.get_by_text(re.compile(r"On your series: The forecast"))).to_be_visible(
        timeout=3 * RUN_TIMEOUT
    )
    app.screenshot("lesson-10-own-series")
    link.click()
    app.wait_for_app()
    expect(app.page.get_by_role("combobox", name="Task")).to_have_value("Forecast: your own series (CSV)")
    assert "task=own_series" in app.page.url and "series=" in app.page.url, app.page.url
    app.assert_clean("the Lab, lesson 10 and back with an uploaded series")


def test_on_a_phone_every_preset_title_shows_whole_and_home_links_where_to_start(browser, app_url):
    """Issue 23: at 390 px the preset buttons read "Break it: reset at ep…", "Forecast: Mauna Lo…"; the
    home page's "Where to start" had no links while the phone folds the sidebar away."""
    context = browser.new_context(viewport=PHONE)
    try:
        app = AppPage(context, app_url)
        app.open("/")
        main = app.page.get_by_test_id("stMain")
        for name in ("Open the Lab", "Start lesson 1: what state is", "All lessons"):
            expect(main.get_by_role("link", name=name)).to_be_visible()
        app.screenshot("home-phone")
        main.get_by_role("link", name="Open the Lab").click()
        app.wait_for_results(config=LabConfig())
        selector = ", ".join(f".st-key-preset_{preset_id} button" for preset_id in PRESETS)
        buttons = app.page.locator(selector)
        expect(buttons).to_have_count(len(PRESETS))
        for preset in PRESETS.values():
            expect(buttons.filter(has_text=preset.title)).to_have_count(1)
        assert app.page.evaluate(CUT_LABELS, selector) == [], "preset titles cut off on a phone"
        chart = app.page.locator("[aria-label^='Chart: Accuracy by window position']")
        expect(chart).to_have_count(1)  # the signature plot has its text alternative, with the numbers
        assert "stateful, by window of the stream (1 = first): 1: 100" in chart.get_attribute("aria-label")
        for viewport in (PHONE, LAPTOP, PROJECTOR):
            app.page.set_viewport_size(viewport)
            app.wait_for_app()
            app.screenshot("lab-learner")
        app.assert_clean("the Lab on a phone")
    finally:
        context.close()
