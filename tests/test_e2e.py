"""End-to-end: the real app (`streamlit run`) in Debian's headless Chromium, driven like a learner would.

Only small configs are trained (3 epochs, 4 stream groups) and the shared link reuses the typed-in
run's cached result, so the file stays within a few minutes on 2 cores. Screenshots of every page at
a laptop and a projector size land in artifacts/screenshots/ for a person to look at.
"""

import contextlib
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import nbformat
import pytest
from axe import Audit
from browser import APP_TIMEOUT, LAPTOP, PROJECTOR, RUN_TIMEOUT, SIZES, AppPage, app_server
from playwright.sync_api import Browser, Download, expect
from project import ARTIFACTS, wait_until
from series_example import example_csv

from statelab.engine.config import LabConfig
from statelab.engine.work import lab_job
from statelab.export.notebook import keras_notebook_filename
from statelab.export.script import export_steps
from statelab.server.result_cache import ResultCache
from statelab.teaching.lessons import lesson
from statelab.teaching.presets import PRESETS

pytestmark = pytest.mark.browser

# The run typed in through the form and the shared link describe the same config: the second reuses
# the first's cached result.
SMALL_LINK = "/lab?shuffle=true&epochs=3&n_groups=4"
SMALL_CONFIG = LabConfig(shuffle=True, epochs=3, n_groups=4)
SHUFFLE_ON = "on: fit(shuffle=True)"
TOO_LARGE = "too large for a shared classroom server"


@contextlib.contextmanager
def tab(browser: Browser, app_url: str) -> Iterator[AppPage]:
    """A tab in a fresh browser context (no cookies, no session) at laptop size."""
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    try:
        yield AppPage(context, app_url)
    finally:
        context.close()


@pytest.fixture
def app(browser, app_url):
    """A tab on the shared server (conftest.py), in a fresh browser context."""
    with tab(browser, app_url) as page:
        yield page


@pytest.fixture
def fresh_app(browser):
    """A tab on a server of its own that has answered no request yet (with one training worker)."""
    log = ARTIFACTS / "server-fresh.log"
    with app_server(env={"STATELAB_WORKERS": "1"}, log_path=log) as url, tab(browser, url) as page:
        yield page


def page_name(path: str) -> str:
    return path.strip("/").replace("/", "_") or "home"


def assert_both_models_drawn(app: AppPage) -> None:
    """The window-position and loss charts each draw a stateful and a stateless trace (Plotly SVG)."""
    for title in ("by window position", "loss per epoch"):
        chart = app.page.locator(".js-plotly-plot").filter(has=app.page.locator(".gtitle", has_text=title))
        expect(chart).to_have_count(1)
        expect(chart.locator(".scatterlayer .trace")).not_to_have_count(0)
        assert chart.locator(".scatterlayer .trace").count() >= 2, f"{title}: fewer than two traces"
        legend = set(chart.locator(".legend .legendtext").all_text_contents())
        assert {"stateful", "stateless"} <= legend, f"{title}: legend is {legend}"


def test_a_deep_link_is_the_first_request_a_fresh_server_answers(fresh_app):
    """A shared Lab link, as the first request a server answers, must get the whole app.

    With a pages/ folder beside app.py, Streamlit answered such a first request by running the page
    file alone (no navigation titles, no wide layout); the page scripts live in views/ for that reason.
    """
    fresh_app.open(SMALL_LINK)
    nav = fresh_app.page.get_by_test_id("stSidebarNav")
    for title in ("Home", "Lab", "1. What state is", "Lesson plan"):
        expect(nav.get_by_text(title, exact=True)).to_be_visible()
    expect(fresh_app.page.get_by_role("heading", name="The Lab: stateful vs stateless")).to_be_visible()
    expect(fresh_app.number_input("Epochs")).to_have_value("3")
    fresh_app.assert_clean(f"the first request, {SMALL_LINK}")


def test_every_page_opens_clean_at_laptop_and_projector_size(app):
    """Every page in the sidebar: no exception, no console error, WCAG 2 AA (axe), screenshots at 2 sizes.

    Each page opens at laptop size and waits for its live demos, and axe checks it as shown then; the
    same page is then resized to projector size (the demos are not run twice: lesson demos cost tens
    of seconds on 2 cores). Without axe-core the rest is checked and the test says so as a skip.
    """
    audit = Audit()
    app.open("/")
    paths = app.nav_links()
    assert len(paths) >= 2, f"the sidebar navigation lists {paths}"
    assert any(p.rstrip("/").endswith("lab") for p in paths), f"no Lab in the navigation: {paths}"
    for path in dict.fromkeys(["/", *paths]):
        app.page.set_viewport_size(LAPTOP)
        app.open(path)
        app.settle()
        expect(app.page.get_by_test_id("stMain")).to_contain_text(re.compile(r"\w"))
        audit.check(app, path)
        for size_name, viewport in SIZES.items():
            app.page.set_viewport_size(viewport)
            app.wait_for_app()
            app.assert_clean(f"{path} at {size_name} size")
            app.screenshot(page_name(path), restore=False)  # the next size is set next
            app.assert_clean(f"{path} at {size_name} size, after the full-page screenshot")
    # every file a page's download button offers was there when the browser checked it
    assert not app.missing_files, app.missing_files
    audit.finish()


def test_lab_trains_both_models_from_settings_typed_in(app):
    app.open("/lab")
    app.type_number("Epochs", 3)
    app.type_number("Stream groups per epoch", 4)
    app.choose_radio("Shuffle", SHUFFLE_ON)
    app.page.get_by_role("button", name="Train both models").click()
    verdict = app.wait_for_results(config=SMALL_CONFIG)
    expect(verdict).to_contain_text("Stateful")
    assert_both_models_drawn(app)
    # The settings went into the address bar, so this page can be shared; the learner's id did not.
    assert app.query() == {"shuffle": "true", "epochs": "3", "n_groups": "4"}, app.page.url
    # Only the open continuity view is drawn; another tab draws its own when clicked.
    carried = app.page.locator(".gtitle", has_text="Carried hidden state")
    expect(carried).to_have_count(0)
    app.page.get_by_role("tab", name="Carried state").click()
    app.wait_for_app()
    expect(carried).to_be_visible()
    app.page.get_by_role("tab", name="Batch layout").click()
    app.wait_for_app()
    expect(app.page.locator(".gtitle", has_text="Batch layout, epoch 1")).to_be_visible()
    app.assert_clean("the Lab after a run")
    app.screenshot("lab-after-a-run")
    app.page.set_viewport_size(PROJECTOR)
    app.wait_for_app()
    app.screenshot("lab-after-a-run")
    app.assert_clean("the Lab after a run, at projector size")


def test_a_break_it_preset_runs(app):
    app.open("/lab")
    app.page.locator(".st-key-preset_shuffle_on").get_by_role("button").click()
    expect(app.page.get_by_text("Predict first", exact=False)).to_be_visible(timeout=APP_TIMEOUT)
    app.predict()
    verdict = app.wait_for_results(config=PRESETS["shuffle_on"].config())
    expect(verdict).to_contain_text("Stateful")
    checked = app.checked_option("Shuffle")
    expect(checked).to_contain_text(SHUFFLE_ON)
    assert_both_models_drawn(app)
    app.assert_clean("the Lab after the 'Break it: shuffle on' preset")


def test_the_predict_preset_leads_to_its_live_demo(app):
    app.open("/lab")
    app.page.get_by_role("button", name=re.compile("predict with another batch size")).click()
    expect(app.page.get_by_role("heading", name="Lesson 5: Predict and evaluate")).to_be_visible(
        timeout=APP_TIMEOUT
    )
    assert app.page.url.split("?")[0].endswith("/lesson-5"), app.page.url
    app.assert_clean("lesson 5, reached from the Lab")


def test_a_shared_link_restores_its_settings_in_a_new_browser(app):
    app.open(SMALL_LINK)
    expect(app.number_input("Epochs")).to_have_value("3")
    expect(app.number_input("Stream groups per epoch")).to_have_value("4")
    expect(app.number_input("Batch size")).to_have_value("16")  # not in the link: the default
    checked = app.checked_option("Shuffle")
    expect(checked).to_contain_text(SHUFFLE_ON)
    app.wait_for_results(config=SMALL_CONFIG)  # a link runs its settings at once
    assert_both_models_drawn(app)
    # The link the Lab offers to share is this run's; the learner's id is in neither (a cookie holds it).
    assert "learner" not in app.query(), app.page.url
    shared = app.page.get_by_test_id("stCode").filter(has_text="/lab?")
    link = urlsplit(shared.text_content().strip())
    assert (link.path, dict(parse_qsl(link.query))) == (
        "/lab",
        {"shuffle": "true", "epochs": "3", "n_groups": "4"},
    )
    app.assert_clean(f"the Lab opened from {SMALL_LINK}")


def download_from_the_lab(app: AppPage, button_name: str) -> Download:
    """Open the small run's Lab page and click one of its download buttons."""
    app.open(SMALL_LINK)
    app.wait_for_results()
    button = app.page.get_by_role("button", name=button_name)
    button.scroll_into_view_if_needed()
    with app.page.expect_download() as info:
        button.click()
    assert not app.missing_files, app.missing_files
    return info.value


def test_a_download_arrives_when_the_browser_fetches_it_late(app, browser, app_url):
    """A learner far from the server fetches a file after other learners' pages ran their scripts.

    The server lets go of a file no session holds after any two script runs. A file made only when
    the button is pressed (Streamlit's deferred download) was such a file: after the other learner's
    runs below, the server answered 404 at the address the press gave (three times in three), which
    is what a browser whose request arrives that late gets.
    """
    download = download_from_the_lab(app, "Download the script")
    with tab(browser, app_url) as other:
        other.open("/lab")  # another learner's script runs, while the far browser's request travels
        other.type_number("Seed", 5)
        other.type_number("Seed", 6)
    assert served_text(download.url) == Path(download.path()).read_text(encoding="utf-8")


def served_text(url: str) -> str:
    """The file the server answers at `url` now (a test failure if it answers an error)."""
    try:
        with urllib.request.urlopen(url, timeout=APP_TIMEOUT / 1000) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        pytest.fail(f"the server no longer holds {url}: {error.code}")


def test_the_code_export_downloads_a_keras_3_script(app):
    download = download_from_the_lab(app, "Download the script")
    assert download.suggested_filename.endswith(".py"), download.suggested_filename
    script = Path(download.path()).read_text(encoding="utf-8")
    assert "keras.Input(batch_shape=" in script
    assert "shuffle=True" in script
    app.assert_clean("the Lab after downloading the script")


def test_the_code_export_downloads_a_valid_notebook_of_the_run(app):
    download = download_from_the_lab(app, "Download as a Jupyter notebook")
    assert download.suggested_filename == keras_notebook_filename(SMALL_CONFIG), download.suggested_filename
    notebook = nbformat.read(download.path(), as_version=4)
    nbformat.validate(notebook)  # raises if the file is not a valid notebook
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code == [step.code for step in export_steps(SMALL_CONFIG, notebook=True)]
    assert "SHUFFLE = True" in code[0]
    app.assert_clean("the Lab after downloading the notebook")


def test_a_too_large_setting_is_explained(app):
    app.open("/lab")
    app.type_number("Epochs", 100)
    app.type_number("Stream groups per epoch", 64)
    app.type_number("Windows per stream", 64)
    app.page.get_by_role("button", name="Train both models").click()
    app.wait_for_app()
    expect(app.page.get_by_text(TOO_LARGE, exact=False)).to_be_visible()
    expect(app.page.get_by_text("These settings cannot work", exact=False)).to_be_visible()
    expect(app.page.get_by_test_id("stProgress")).to_have_count(0)  # nothing was queued
    app.assert_clean("the Lab with a too-large setting")
    app.screenshot("lab-too-large")
    app.page.set_viewport_size(PROJECTOR)
    app.wait_for_app()
    app.screenshot("lab-too-large")


def tab_to(app: AppPage, selector: str, what: str) -> None:
    """Press Tab until the focused element is inside `selector`."""
    focused = f"() => !!document.activeElement?.closest({selector!r})"
    for _ in range(80):
        app.page.keyboard.press("Tab")
        if app.page.evaluate(focused):
            return
    pytest.fail(f"Tab never reached {what}")


def test_the_main_flow_works_with_the_keyboard_alone(app):
    app.open("/lab")
    tab_to(app, ".st-key-preset_correct", "the 'Correct stateful setup' preset button")
    app.page.keyboard.press("Enter")
    expect(app.page.get_by_text("Predict first", exact=False)).to_be_visible(timeout=APP_TIMEOUT)
    tab_to(app, ".st-key-preset_question [data-testid='stRadio']", "the prediction's options")
    app.page.keyboard.press("Space")  # picks the focused option
    app.wait_for_app()
    tab_to(app, ".st-key-run_preset", "the Run it button")
    app.page.keyboard.press("Enter")
    verdict = app.wait_for_results(config=PRESETS["correct"].config())
    expect(verdict).to_contain_text("Stateful")
    expect(app.page.get_by_text("Predict first", exact=False)).to_be_visible()
    app.assert_clean("the Lab after a keyboard-only preset run")


def test_an_own_series_is_checked_then_trained(app):
    app.open("/lab")
    app.page.get_by_text("Your own series (CSV)").click()
    upload = app.page.get_by_test_id("stFileUploader").locator("input[type=file]")
    upload.set_input_files(files=[{"name": "notes.csv", "mimeType": "text/csv", "buffer": b"a,b\nx,y\n"}])
    expect(app.page.get_by_text("No column of notes.csv is at least 90% numbers")).to_be_visible()
    upload.set_input_files(files=[{"name": "levels.csv", "mimeType": "text/csv", "buffer": example_csv()}])
    expect(app.page.get_by_text("levels.csv, column 'level': 600 values (1 gap(s) filled)")).to_be_visible()
    expect(app.page.get_by_role("combobox", name="Task")).to_have_value("Forecast: your own series (CSV)")
    expect(app.page.get_by_text("It repeats about every 25 steps")).to_be_visible()  # its season, detected
    app.type_number("Epochs", 3)
    app.type_number("Stream groups per epoch", 4)
    app.train()
    expect(app.wait_for_results()).to_contain_text("Mean squared error: stateful")
    assert_both_models_drawn(app)
    assert "task=own_series" in app.page.url and "series=" in app.page.url
    expect(app.page.get_by_text("Seasonal naive forecasts it as the value 25 steps earlier")).to_be_visible()
    expect(app.page.get_by_role("button", name="Download your series (CSV)")).to_be_visible()
    app.assert_clean("the Lab after training on an uploaded series")
    app.screenshot("lab-own-series")


def test_an_edited_setting_is_trained_before_train_is_pressed(browser):
    """Issue 21: while the learner edits, a worker with nothing else to do trains the edited settings
    (JobPool.run_ahead): Train then shows a shape nobody had compiled without training it again."""
    log = ARTIFACTS / "server-run-ahead.log"
    with app_server(env={"STATELAB_RUN_AHEAD": "1"}, log_path=log) as url, tab(browser, url) as app:
        app.open(SMALL_LINK)
        app.wait_for_results(config=SMALL_CONFIG)
        edited = replace(SMALL_CONFIG, batch_size=12)
        stored = ResultCache().path(lab_job(edited))  # the server's cache is this test run's
        app.type_number("Batch size", 12)
        expect(app.page.get_by_text("Not trained yet: batch 12.")).to_be_visible()
        # trained while the learner still has not pressed Train
        wait_until(stored.exists, message=f"{stored} was not trained ahead; see {log}")
        written = stored.stat().st_ino
        app.train()
        expect(app.wait_for_results(config=edited)).to_contain_text("Stateful")
        assert stored.stat().st_ino == written  # the run ahead's result, not a second training
        app.assert_clean("the Lab after a run trained ahead")


def test_a_bare_lab_opens_with_the_default_run(app):
    """Issue 15: a first visit (or a shared /lab) shows the signature plot without pressing anything."""
    app.open("/lab")
    expect(app.wait_for_results(config=LabConfig())).to_contain_text("Stateful")
    assert_both_models_drawn(app)
    assert app.query() == {}, app.page.url
    app.assert_clean("the Lab opened bare")


def test_a_preset_link_asks_for_a_prediction_before_anything_runs(app):
    """Issue 10.11 and 9: lab?preset=ID loads the settings and asks first; the expectation comes after."""
    app.open("/lab?preset=shuffle_on")
    question = app.page.locator(".st-key-preset_question")
    expect(question).to_contain_text("Predict first: Break it: shuffle on")
    expect(question.get_by_role("button", name="Run it")).to_be_disabled()  # until a prediction is picked
    checked = app.checked_option("Shuffle")
    expect(checked).to_contain_text(SHUFFLE_ON)
    app.wait_for_app()  # a run the page started would show its progress in this very script run
    expect(app.verdict()).to_have_count(0)
    expect(app.page.get_by_test_id("stProgress")).to_have_count(0)
    expect(app.page.get_by_text("What to expect")).to_have_count(0)
    tooltips = app.page.locator(
        ", ".join(f".st-key-preset_{id} [data-testid='stTooltipHoverTarget']" for id in PRESETS)
    )
    expect(tooltips).to_have_count(0)  # no preset button carries a hint about its outcome
    app.screenshot("lab-preset-question")
    app.predict()
    app.wait_for_results(config=PRESETS["shuffle_on"].config())
    expect(question).to_contain_text(re.compile("Your prediction (held|did not hold)"))
    expect(question).to_contain_text("What to expect")
    assert app.query().get("preset") == "shuffle_on", app.page.url
    app.assert_clean("the Lab after a preset opened from its link")
    app.screenshot("lab-preset-answered")


def test_presets_run_the_chosen_number_of_seeds(app):
    """Issue 10.2: with Seeds at 3, a preset runs 3 seeds and the slider stays at 3."""
    app.open("/lab")
    thumb = app.page.get_by_test_id("stSlider").filter(has_text="Seeds").get_by_role("slider")
    thumb.focus()
    for _ in range(2):
        thumb.press("ArrowRight")
    app.wait_for_app()
    expect(thumb).to_have_value("3")
    app.page.locator(".st-key-preset_shuffle_on").get_by_role("button").click()
    app.wait_for_app()
    app.predict()
    verdict = app.wait_for_results(timeout=3 * RUN_TIMEOUT, config=PRESETS["shuffle_on"].config(), n_seeds=3)
    expect(verdict).to_contain_text("3 seeds")
    expect(thumb).to_have_value("3")
    assert app.query().get("seeds") == "3", app.page.url
    app.assert_clean("a preset over 3 seeds")
    app.screenshot("lab-3-seeds")


def test_a_broken_setting_is_marked_until_put_back(app):
    """Issue 10.1: after "never reset", other edits keep it on, visibly, until Back to the correct setup."""
    app.open("/lab?preset=never_reset")
    marker = app.page.get_by_text("Break it is on", exact=False)
    expect(marker).to_have_count(1)
    for label, value in (("Batch size", 8), ("Timesteps", 20), ("Epochs", 3), ("Stream groups per epoch", 4)):
        app.type_number(label, value)
    expect(marker).to_have_count(1)  # still marked after the other edits
    app.page.get_by_role("button", name="Back to the correct setup").click()
    app.wait_for_app()
    expect(marker).to_have_count(0)
    expect(app.checked_option("Reset the state")).to_contain_text("sequence")
    expect(app.number_input("Batch size")).to_have_value("8")  # the other settings stay
    app.page.get_by_role("button", name="Train both models").click()
    app.wait_for_results(config=LabConfig(batch_size=8, timesteps=20, epochs=3, n_groups=4))
    assert app.query() == {
        "batch_size": "8",
        "timesteps": "20",
        "epochs": "3",
        "n_groups": "4",
    }
    app.assert_clean("the Lab after going back to the correct setup")


def history_rows(app: AppPage):
    """The data rows of the "Your runs" table (its accessible rows, header excluded)."""
    return app.page.get_by_test_id("stDataFrame").locator("[role='row']:not(:has([role='columnheader']))")


def test_a_reload_keeps_the_learners_runs_and_answers(app, browser, app_url):
    """Issue 10.7: runs and answers survive a reload (the learner's id is in a cookie); no one else's."""
    app.open(SMALL_LINK)
    app.wait_for_results(config=SMALL_CONFIG)
    app.page.locator(".st-key-preset_shuffle_on").get_by_role("button").click()
    app.wait_for_app()
    question = app.predict()
    app.wait_for_results(config=PRESETS["shuffle_on"].config())
    answer = question.get_by_test_id("stAlertContainer").text_content()
    expect(history_rows(app)).to_have_count(2)
    app.page.reload()
    app.wait_for_results(config=PRESETS["shuffle_on"].config())
    expect(history_rows(app)).to_have_count(2)
    expect(question.get_by_test_id("stAlertContainer")).to_have_text(answer)
    expect(question.get_by_test_id("stRadio").locator("input").first).to_be_disabled()
    # A lesson check answered, then the page reloaded: the answer is still there, and counted.
    app.page.get_by_test_id("stSidebarNav").get_by_text(f"7. {lesson(7).nav}").click()
    app.wait_for_app()
    assert "learner" not in app.query(), app.page.url
    app.page.get_by_text("No: exactly zero").click()
    app.wait_for_app()
    app.page.get_by_role("button", name="Run it").click()
    outcome = app.page.get_by_text(re.compile("Your prediction (held|did not hold)"))
    expect(outcome).to_be_visible(timeout=RUN_TIMEOUT)
    app.page.reload()
    app.settle()
    expect(outcome).to_be_visible()
    app.page.get_by_test_id("stSidebarNav").get_by_text("All lessons").click()
    app.wait_for_app()
    expect(app.page.get_by_test_id("stProgress")).to_contain_text(re.compile(r"^1 of \d+ checks answered"))
    app.assert_clean("pages reloaded with the learner's id")
    # Another browser (no cookie) is another learner: none of these runs or answers.
    context = browser.new_context(viewport=LAPTOP)
    try:
        other = AppPage(context, app_url)
        other.open("/lab")
        other.wait_for_results(config=LabConfig())
        expect(history_rows(other)).to_have_count(1)
    finally:
        context.close()


def test_a_csv_with_several_numeric_columns_lets_the_learner_pick_one(app):
    app.open("/lab")
    app.page.get_by_text("Your own series (CSV)").click()
    rows = "\n".join(f"{1871 + index},{1000 + index % 9 * 10},{index % 5}" for index in range(150))
    upload = app.page.get_by_test_id("stFileUploader").locator("input[type=file]")
    upload.set_input_files(
        files=[{"name": "flows.csv", "mimeType": "text/csv", "buffer": f"year,flow,gauge\n{rows}\n".encode()}]
    )
    # The first column that is not a counter (the years count up by one) is read unless another is picked.
    expect(app.page.get_by_text("flows.csv, column 'flow': 150 values")).to_be_visible()
    expect(
        app.page.get_by_text("with 6 windows per stream (not 8) so that a stream fits twice")
    ).to_be_visible()
    app.select("Column to forecast", "column 'gauge'")
    expect(app.page.get_by_text("flows.csv, column 'gauge': 150 values")).to_be_visible()
    app.assert_clean("the Lab after picking a column of an uploaded CSV")
