"""Shared test settings. pyproject.toml puts the project root and tests/ on sys.path (`pythonpath`)."""

import sys

import project  # noqa: F401  (sets the test environment: see tests/project.py)
import pytest

SESSION_MAIN = sys.modules.get("__main__")  # pytest's own


@pytest.fixture(autouse=True)
def keep_main_module():
    """Every test starts and ends with pytest's own `__main__`: an AppTest run (also in a module-scoped
    fixture) can leave its page script there, and a process spawned later (the cache race test) would
    re-run that script first."""
    sys.modules["__main__"] = SESSION_MAIN
    yield
    sys.modules["__main__"] = SESSION_MAIN
