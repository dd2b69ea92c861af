"""Accessibility: axe-core (pinned in package.json, installed by `make axe`) over every page in Chromium.

Every page of the navigation, and the class pages in the states a class sees them (the teacher's page
with a question asked, in projector mode too; a learner's join form, question and wrong code), is
checked against WCAG 2.0 and 2.1, levels A and AA. The one violation allowed is in Streamlit's own
sidebar markup, which no app can change: its navigation list (`ul`) holds `div` wrappers around the
`li` items, so axe reports `list` and `listitem` there. Anything else fails the test.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from browser import LAPTOP, PROJECTOR, AppPage
from class_fixtures import app_url_fixture, browser_fixture  # noqa: F401  (fixtures)
from playwright.sync_api import expect
from project import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_HINT = "The accessibility test needs axe-core: run 'make axe' (npm ci, pinned in package-lock.json)"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STREAMLIT_NAV_RULES = {"list", "listitem"}  # Streamlit's sidebar navigation markup (see above)
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => {
      const element = document.querySelector(node.target[0]);
      return {
        html: node.html.slice(0, 160),
        summary: node.failureSummary,
        inNav: Boolean(element && element.closest("[data-testid='stSidebarNav']")),
      };
    }),
  }));
}"""


def require_axe() -> None:
    """axe-core in node_modules: installed with `make axe` when npm is here, else skip with the command."""
    if AXE.exists():
        return
    if os.system("command -v npm >/dev/null 2>&1") != 0:
        pytest.skip(AXE_HINT)
    subprocess.run(["make", "--no-print-directory", "axe"], cwd=ROOT, check=True)
    assert AXE.exists(), AXE_HINT


def violations(app: AppPage) -> list[str]:
    """axe's WCAG 2 A/AA violations on the page as shown now, less Streamlit's own navigation list."""
    app.page.evaluate(AXE.read_text())
    found = []
    for violation in app.page.evaluate(RUN_AXE, TAGS):
        nodes = [
            node
            for node in violation["nodes"]
            if not (violation["id"] in STREAMLIT_NAV_RULES and node["inNav"])
        ]
        found += [
            f"{violation['id']} ({violation['help']}): {node['html']}\n    {node['summary']}"
            for node in nodes
        ]
    return found


@pytest.fixture(autouse=True, scope="module")
def axe_installed():
    """axe-core is there before the server starts (or the module is skipped)."""
    require_axe()


def test_every_page_meets_wcag_2_aa(browser, app_url):
    app = AppPage(browser.new_context(viewport=LAPTOP), app_url)
    app.open("/")
    report = {}
    for path in dict.fromkeys(["/", *app.nav_links()]):
        app.open(path)
        app.settle()
        report[path] = violations(app)
    found = {path: items for path, items in report.items() if items}
    assert not found, "\n".join(f"{path}:\n  " + "\n  ".join(items) for path, items in found.items())


def test_class_pages_meet_wcag_2_aa_as_a_class_sees_them(browser, app_url):
    teacher = AppPage(browser.new_context(viewport=PROJECTOR), app_url)
    learner = AppPage(browser.new_context(viewport={"width": 390, "height": 844}), app_url)
    report = {}
    teacher.open("/class")
    teacher.page.get_by_role("button", name="Start a class").click()
    teacher.wait_for_app()
    code = re.search(r"code=([0-9A-Z]{8})", teacher.page.url)[1]
    teacher.page.get_by_role("button", name="Ask the class").click()
    teacher.wait_for_app()
    learner.open(f"/join?code={code}")
    report["learner: join form"] = violations(learner)
    learner.page.get_by_role("button", name="Join the class").click()
    learner.wait_for_app()
    expect(learner.page.get_by_text("Your answer")).to_be_visible(timeout=30_000)
    report["learner: question"] = violations(learner)
    expect(teacher.page.get_by_text("0 of 1 learners answered")).to_be_visible(timeout=10_000)
    report["teacher: question asked"] = violations(teacher)
    teacher.page.get_by_text("Projector mode", exact=True).click()
    teacher.wait_for_app()
    report["teacher: projector mode"] = violations(teacher)
    learner.open("/join?code=ZZZZ-ZZZZ")
    report["learner: wrong code"] = violations(learner)
    found = {page: items for page, items in report.items() if items}
    assert not found, "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in found.items())
