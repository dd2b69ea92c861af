"""The suite's own layout on pytest-xdist's workers holds: a file's tests share one worker.

If the grouping silently stopped (pytest 9.2 with pytest-xdist 3.8 did: pytest-xdist issue #1386),
every worker would build a file's module fixtures again (the exported scripts, the notebooks, a
job pool), and the browser tests would start a server per worker.
"""

import re
import subprocess
import sys
from collections import defaultdict

import pytest
from project import PATIENCE, ROOT

# two quick files of the suite; nothing in them trains or starts a server
FILES = ("tests/test_config.py", "tests/test_seasons.py")


@pytest.mark.build
def test_each_files_tests_run_on_one_worker():
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        "2",
        "--dist",
        "loadgroup",
        "-v",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(
        [*command, *FILES], cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    workers = defaultdict(set)
    for worker, path in re.findall(r"^\[(gw\d+)\] .*?PASSED (tests/[\w.]+)::", done.stdout, re.M):
        workers[path].add(worker)
    assert set(workers) == set(FILES), done.stdout[-3000:]
    assert all(len(found) == 1 for found in workers.values()), dict(workers)
