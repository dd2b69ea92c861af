"""axe-core (pinned in package.json, installed by `make axe`) in Chromium: a page's WCAG 2 A/AA violations.

The one violation allowed is in Streamlit's own sidebar markup, which no app can change: its
navigation list (`ul`) holds `div` wrappers around the `li` items, so axe reports `list` and
`listitem` there. Tests check pages where they already are, at no second walk: tests/test_e2e.py
every page of the navigation, tests/test_classroom_e2e.py the class pages in each state a class
sees them.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from browser import AppPage
from project import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The same command as the Makefile's `axe` target.
AXE_HINT = "The accessibility checks need axe-core: run 'make axe' (npm ci, pinned in package-lock.json)"
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


def axe_ready() -> bool:
    """Whether axe-core is in node_modules; installed with `make axe` when npm is here or as root."""
    if not AXE.exists() and (shutil.which("npm") or os.geteuid() == 0):
        subprocess.run(["make", "--no-print-directory", "axe"], cwd=ROOT, check=True)
    return AXE.exists()


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


def report_text(report: dict[str, list[str]]) -> str:
    """The violations found, page by page, for an assertion message."""
    return "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in report.items() if items)


class Audit:
    """axe runs on the pages a test reaches, as it reaches them; all are judged at the end of the test."""

    def __init__(self):
        self.ready = axe_ready()
        self.report: dict[str, list[str]] = {}

    def check(self, app: AppPage, where: str) -> None:
        """Run axe on the page as shown now (when axe-core is here)."""
        if self.ready:
            self.report[where] = violations(app)

    def finish(self) -> None:
        """Fail with every violation found; without axe-core, say as a skip that WCAG was not checked."""
        assert not any(self.report.values()), report_text(self.report)
        if not self.ready:
            pytest.skip(f"everything else passed, but WCAG 2 AA was not checked: {AXE_HINT}")
