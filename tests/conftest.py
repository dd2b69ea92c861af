"""Shared test settings. pyproject.toml puts the project root and tests/ on sys.path (`pythonpath`)."""

import project  # noqa: F401  (sets the test environment: see tests/project.py)
