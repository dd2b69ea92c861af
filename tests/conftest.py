"""Shared test settings: quiet TensorFlow, a fresh result cache, the project root on sys.path."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# A fresh result cache per test session: tests never read a developer's cached runs.
os.environ["STATELAB_CACHE"] = tempfile.mkdtemp(prefix="statelab-test-cache-")
# No cache warming: tests time their own runs (test_jobs tests background jobs directly).
os.environ["STATELAB_WARM"] = "0"
sys.path.insert(0, str(ROOT))
