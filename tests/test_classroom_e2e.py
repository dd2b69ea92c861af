"""Class mode end to end: a teacher and five learners, each in their own Chromium context, on the real app.

The teacher starts a class on a projector-sized screen, the learners join from the join link (two
give a name, three stay anonymous), answer a lesson check, one changes their mind, one reloads; the
teacher's counts follow, Reveal runs the experiment, Ask again takes a second vote, and projector
mode is screenshotted at 1920x1080 for a person to look at. axe-core checks WCAG 2 A/AA on each
state of the class pages as the test reaches it (tests/axe.py).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from pathlib import Path

import pytest
from axe import Audit
from browser import LAPTOP, PROJECTOR, AppPage
from playwright.sync_api import expect

from statelab.server.class_records import format_code
from statelab.teaching.lessons import lesson

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The elements inside a selector's element that scroll sideways: content wider than a scrolling box.
SIDEWAYS = """(selector) => [...document.querySelector(selector).querySelectorAll("*")]
  .filter((node) => node.scrollWidth > node.clientWidth + 1
    && ["auto", "scroll"].includes(getComputedStyle(node).overflowX))
  .map((node) => `"${node.innerText.slice(0, 30)}": ${node.scrollWidth} > ${node.clientWidth} px`)"""
NAMES = ["Ada", "Grace", "", "", ""]  # two learners give a name, three stay anonymous
CHART_TIMEOUT = 10_000  # ms: the teacher's chart refreshes every second; allow for a loaded machine
QUESTION_TIMEOUT = 30_000  # ms: learner pages refresh every 2 s, slower while TensorFlow starts in a worker


@pytest.fixture
def person(browser, app_url):
    """New people, each in their own browser context (own cookies, own session). Their contexts close
    when the test ends: an open class page refreshes every second or two, in Chromium and in the server,
    through every later test otherwise."""
    contexts = []

    def new(viewport) -> AppPage:
        contexts.append(browser.new_context(viewport=viewport))
        return AppPage(contexts[-1], app_url)

    yield new
    for context in contexts:
        context.close()


def answers_text(teacher: AppPage) -> str:
    """The teacher's 'N of M learners answered' line."""
    return teacher.page.get_by_text(re.compile(r"\d+ of \d+ learners answered")).inner_text()


def start_class(teacher: AppPage) -> str:
    """Start a class on the teacher page; its code."""
    teacher.open("/class")
    teacher.page.get_by_role("button", name="Start a class").click()
    teacher.wait_for_app()
    expect(
        teacher.page.get_by_role("heading", name=re.compile(r"^Class [0-9A-Z]{4}-[0-9A-Z]{4}"))
    ).to_be_visible()
    code = re.search(r"[?&]code=([0-9A-Z]{8})", teacher.page.url)[1]
    assert "token" not in teacher.page.url.lower() and len(teacher.page.url) < 200, teacher.page.url
    return code


def ask(teacher: AppPage, title: str) -> None:
    """Pick a question in the teacher's question picker and ask it."""
    picker = teacher.page.get_by_test_id("stSelectbox").filter(has_text="Question")
    picker.click()
    teacher.page.get_by_role("option", name=re.compile(re.escape(title))).first.click()
    teacher.wait_for_app()
    teacher.page.get_by_role("button", name=re.compile("Ask the class|Ask this question")).click()
    teacher.wait_for_app()


def answer(learner: AppPage, label: str) -> None:
    """Pick an option and send it, as a learner does."""
    expect(learner.page.get_by_text(label, exact=True)).to_be_visible(timeout=QUESTION_TIMEOUT)
    learner.choose_radio("Your answer", label)
    learner.page.get_by_role("button", name=re.compile("Send my answer|Change my answer")).click()
    learner.wait_for_app()
    expect(learner.page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Your answer: {label}")


def download_record(teacher: AppPage) -> tuple[str, str, str]:
    """Open the class's record on the teacher page and download its files: (CSV, summary, by learner)."""
    teacher.page.get_by_text("The class's record").click()
    record = teacher.page.locator(".st-key-class_record")
    record.get_by_text("Also the answers of each learner").click()
    teacher.wait_for_app()
    texts = []
    for name in ("Download the record (CSV)", "Download the summary", "Download the answers by learner"):
        with teacher.page.expect_download() as info:
            record.get_by_role("button", name=name).click()
        texts.append(Path(info.value.path()).read_text(encoding="utf-8"))
    return texts[0], texts[1], texts[2]


def test_a_class_predicts_then_the_experiment_reveals(person):
    audit = Audit()
    check = lesson(2).checks[0]  # a lesson check whose live side is one quick Keras demo
    check_title = f"Q2.1 · Lesson 2, {lesson(2).nav}"  # numbered as in the lesson plan
    labels = list(check.options.values())
    teacher = person(PROJECTOR)
    code = start_class(teacher)
    join_link = teacher.page.get_by_role("link", name=re.compile(r"join\?code=")).get_attribute("href")
    assert join_link.endswith(f"/join?code={code}")
    expect(
        teacher.page.get_by_role("img", name=f"QR code of the join link for class {format_code(code)}")
    ).to_be_visible()

    learners = [person(PHONE) for _ in NAMES]
    for learner, name in zip(learners, NAMES, strict=True):
        learner.page.goto(join_link)
        learner.wait_for_app()
        if learner is learners[0]:
            audit.check(learner, "learner: join form")
        learner.page.get_by_label("Your name (optional)").fill(name)
        learner.page.get_by_role("button", name="Join the class").click()
        learner.wait_for_app()
        expect(learner.page.get_by_text("You are in.")).to_be_visible()

    ask(teacher, f"Lesson 2, {lesson(2).nav} · ")
    expect(learners[0].page.get_by_text(labels[0], exact=True)).to_be_visible(timeout=QUESTION_TIMEOUT)
    learners[0].page.get_by_role("button", name="Send my answer").click()  # nothing picked yet
    learners[0].wait_for_app()
    warning = learners[0].page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("Pick one of the answers")
    audit.check(learners[0], "learner: question, nothing picked")
    picks = [labels[0], labels[0], labels[0], labels[1], labels[1]]
    for learner, label in zip(learners, picks, strict=True):
        answer(learner, label)
    answer(learners[2], labels[1])  # a learner changes their mind: the new answer replaces the first
    picks[2] = labels[1]
    expect(teacher.page.get_by_text("5 of 5 learners answered")).to_be_visible(timeout=CHART_TIMEOUT)
    shares = [f"{picks.count(label)} ({picks.count(label) / 5:.0%})" for label in labels]
    # The chart draws the first option at the top, so its bars come last in the page.
    expect(teacher.page.locator(".js-plotly-plot text.bartext")).to_have_text(
        shares[::-1], timeout=CHART_TIMEOUT
    )
    audit.check(teacher, "teacher: answers coming in")

    learners[3].page.reload()  # a reconnecting learner keeps their answer
    learners[3].wait_for_app()
    expect(learners[3].page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Your answer: {picks[3]}"
    )
    expect(learners[3].page.get_by_role("radio", name=picks[3])).to_be_checked()
    expect(teacher.page.get_by_text("5 of 5 learners answered")).to_be_visible()  # counted once, not twice
    for learner in learners:  # learners never see each other's names, nor the class's counts
        text = learner.page.get_by_test_id("stMain").inner_text()
        assert "Ada" not in text and "Grace" not in text and "learners answered" not in text, text

    # Peer instruction's order (issue 23): discussion, a second vote, then the reveal.
    expect(teacher.page.get_by_role("button", name="Reveal", exact=True)).to_have_count(0)
    teacher.page.get_by_role("button", name="Ask again").click()
    teacher.wait_for_app()
    second = [labels[1], labels[0]]
    for learner, label in zip(learners[:2], second, strict=True):
        expect(learner.page.get_by_text("Second vote, after discussion.")).to_be_visible(
            timeout=CHART_TIMEOUT
        )
        answer(learner, label)
    expect(teacher.page.get_by_text("2 of 5 learners answered the second vote")).to_be_visible(
        timeout=CHART_TIMEOUT
    )
    for title in ("First vote", "After discussion"):
        expect(teacher.page.locator(".js-plotly-plot .annotation-text", has_text=title).first).to_be_visible()

    expect(teacher.page.get_by_role("button", name="Ask again")).to_have_count(0)
    teacher.page.get_by_role("button", name="Reveal", exact=True).click()
    teacher.wait_for_app()
    shows = teacher.page.get_by_test_id("stAlertContentSuccess").filter(has_text="The run shows:")
    expect(shows).to_be_visible(timeout=150_000)
    outcome = next(label for label in labels if label in shows.inner_text())
    expect(teacher.page.locator(".js-plotly-plot .ytick").filter(has_text="✓").first).to_contain_text(
        " ".join(outcome.split()[:2])
    )
    audit.check(teacher, "teacher: revealed")
    for learner, label in zip(learners, [*second, *picks[2:]], strict=True):  # the rest kept their first
        verdict = "Your prediction held" if label == outcome else f"Your answer: {label}"
        expect(learner.page.get_by_test_id("stMain")).to_contain_text(verdict, timeout=QUESTION_TIMEOUT)
    audit.check(learners[0], "learner: revealed")

    record, summary, by_learner = download_record(teacher)  # issue 23: the class's own record
    rows = list(csv.DictReader(io.StringIO(record)))
    assert [(row["option"], row["first_vote"], row["second_vote"]) for row in rows] == [
        (label, str(picks.count(label)), str(second.count(label))) for label in labels
    ]
    assert {row["run_showed_this"] for row in rows if row["option"] == outcome} == {"yes"}
    assert f"| 1 | {check_title} |" in summary and "points" in summary
    for text in (record, summary):
        assert "Ada" not in text and "Grace" not in text  # names only in the file asked for by name
    assert {row["learner"] for row in csv.DictReader(io.StringIO(by_learner))} >= {"Ada", "Grace"}
    for viewport in (PHONE, LAPTOP, PROJECTOR):
        teacher.page.set_viewport_size(viewport)
        teacher.wait_for_app()
        teacher.page.locator(".st-key-class_record").scroll_into_view_if_needed()
        teacher.screenshot("class-record")
        # the summary as a table, or on a phone as cards: nothing in the record scrolls sideways
        table, cards = (teacher.page.locator(f".st-key-class_summary_{part}") for part in ("table", "cards"))
        expect(cards if viewport == PHONE else table).to_be_visible()
        expect(table if viewport == PHONE else cards).to_be_hidden()
        expect(cards if viewport == PHONE else table).to_contain_text(check_title)
        assert not teacher.page.evaluate(SIDEWAYS, ".st-key-class_record"), viewport
    teacher.page.set_viewport_size(PROJECTOR)

    teacher.page.get_by_text("Projector mode", exact=True).click()
    teacher.wait_for_app()
    assert "projector=true" in teacher.page.url, teacher.page.url
    expect(teacher.page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(teacher.page.get_by_text("Who has joined")).to_have_count(0)  # names never on the projector
    teacher.page.reload()  # the toggle lives in the URL, and the teacher keeps control after a reload
    teacher.wait_for_app()
    expect(teacher.page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(teacher.page.get_by_text("2 of 5 learners answered the second vote")).to_be_visible(
        timeout=CHART_TIMEOUT
    )
    teacher.screenshot("class-projector")
    audit.check(teacher, "teacher: projector mode, second vote")
    for someone in [teacher, *learners]:
        someone.assert_clean(someone.page.url)
    audit.finish()


def test_only_the_browser_that_started_a_class_runs_it(person):
    teacher = person(PROJECTOR)
    code = start_class(teacher)
    intruder = person(PROJECTOR)  # e.g. a learner who copied the teacher's address
    intruder.open(f"/class?code={code}")
    expect(intruder.page.get_by_text(f"This browser did not start class {format_code(code)}")).to_be_visible()
    expect(intruder.page.get_by_role("button", name="Reveal")).to_have_count(0)
    expect(intruder.page.get_by_text("End the class")).to_have_count(0)
    intruder.assert_clean("a foreign class page")
    audit = Audit()
    audit.check(intruder, "a foreign class page")
    audit.finish()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/join?code=ZZZZ-ZZZZ", "No class is open with the code ZZZZ-ZZZZ"),
        ("/join?code=hello", "A class code has 8 letters and digits"),
        ("/join?code=%3Cscript%3E", "A class code has 8 letters and digits"),
    ],
)
def test_a_wrong_code_gets_a_plain_message(path, message, person):
    learner = person(PHONE)
    learner.open(path)
    expect(learner.page.get_by_test_id("stAlertContentError")).to_contain_text(message)
    expect(learner.page.get_by_role("textbox", name="Class code")).to_be_visible()  # and a way to try again
    learner.assert_clean(path)
    audit = Audit()
    audit.check(learner, path)
    audit.finish()


def test_a_forged_teacher_cookie_shows_no_controls_and_an_ended_class_says_so(app_url, person):
    """Issue 23: a browser whose teacher cookie does not verify sees no Reveal, Ask again or End; after
    End, a learner who was in the class reads that it ended, not that the code may be wrong."""
    teacher = person(PROJECTOR)
    code = start_class(teacher)
    ask(teacher, f"Lesson 2, {lesson(2).nav} · ")
    expect(teacher.page.get_by_role("button", name="Ask again")).to_be_visible()  # the real teacher's
    learner = person(PHONE)
    learner.open(f"/join?code={code}")
    learner.page.get_by_role("button", name="Join the class").click()
    learner.wait_for_app()
    expect(learner.page.get_by_text("Your answer", exact=True)).to_be_visible(timeout=QUESTION_TIMEOUT)
    intruder = person(PROJECTOR)
    forged = {"name": f"statelab_teacher_{code}", "value": secrets.token_urlsafe(32), "url": app_url}
    intruder.context.add_cookies([forged])
    intruder.open(f"/class?code={code}")
    expect(intruder.page.get_by_text(f"This browser did not start class {format_code(code)}")).to_be_visible()
    for name in ("Reveal", "Reveal now", "Ask again", "Vote again", "Ask this question", "Start a class"):
        expect(intruder.page.get_by_role("button", name=name, exact=True)).to_have_count(
            1 if name == "Start a class" else 0
        )
    expect(intruder.page.get_by_text("End the class")).to_have_count(0)
    expect(intruder.page.get_by_text("The class's record")).to_have_count(0)
    intruder.assert_clean("a forged teacher cookie")
    intruder.context.close()  # a tab the learner's refreshes need not share the machine with

    teacher.page.get_by_text("End the class", exact=True).click()
    teacher.page.get_by_role("button", name="End the class and delete its answers").click()
    teacher.wait_for_app()
    expect(teacher.page.get_by_text("The class has ended: its answers and names are deleted")).to_be_visible()
    ended = learner.page.get_by_text(f"Class {format_code(code)} has ended")
    expect(ended).to_be_visible(timeout=QUESTION_TIMEOUT)
    expect(learner.page.get_by_text("Check the code")).to_have_count(0)
    learner.screenshot("class-ended-learner")
    for someone in (teacher, learner):
        someone.assert_clean(someone.page.url)
