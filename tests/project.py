"""The project's root folder, and the environment every test process runs in.

Importing this module sets that environment: quiet TensorFlow, a fresh result cache (tests never
read a developer's cached runs) and no cache warming (tests time their own runs; test_jobs tests
background jobs directly). conftest.py imports it for pytest; the benchmarks that reuse the browser
helpers get it through browser.py.
"""

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["STATELAB_CACHE"] = tempfile.mkdtemp(prefix="statelab-test-cache-")
os.environ["STATELAB_WARM"] = "0"
