"""Shared test settings. pyproject.toml puts the project root and tests/ on sys.path (`pythonpath`)."""

import sys

import project  # noqa: F401  (sets the test environment: see tests/project.py)
import pytest


@pytest.fixture(autouse=True)
def keep_main_module():
    """Put back the interpreter's `__main__` after each test: an AppTest run can leave its page script
    there, and a process spawned later (the cache race test) would re-run that script first."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
