"""The shared result cache: every job's result on disk, by its key and the versions that made it.

Every replica and worker process may read, write and prune the same folder at once: writes are atomic
(statelab.engine.storage), a file that vanishes mid-way is simply not there, and an entry that cannot be read
is a miss. Result files carry a version salt (this code, Keras and TensorFlow), so an upgrade never
serves results or Keras messages of the old versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from statelab.engine.results import load_result, save_result
from statelab.engine.storage import cache_directory, files_oldest_first, write_atomically
from statelab.engine.work import Job

PACKAGE = Path(__file__).resolve().parents[1]  # every file of it goes into the version salt
STALE_PARTIAL_AFTER = 3600.0  # seconds: a temporary file this old belongs to a process that died


def _distribution_version(*names: str) -> str:
    """The installed version of the first of these distributions that is installed."""
    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            return version(name)
    return "none"


@cache
def version_salt() -> str:
    """A short hash of this code (every file of the package), Keras's and TensorFlow's versions."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(_distribution_version("keras").encode())
    digest.update(_distribution_version("tensorflow", "tensorflow-cpu", "tensorflow_cpu").encode())
    return digest.hexdigest()[:10]


class ResultCache:
    """Results on disk, one file per job key and version, least recently used removed beyond `max_bytes`.

    Safe to share between processes and replicas: see the module docstring.
    """

    def __init__(self, directory: Path | None = None, max_bytes: int = 1_000_000_000, salt: str = ""):
        self.directory = Path(directory or cache_directory())
        self.max_bytes = max_bytes
        self.salt = salt or version_salt()  # a pool's workers use the pool's, even if the code changed since
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, job: Job) -> Path:
        """Where the result of a job is stored by this version of the code and libraries."""
        return self.directory / f"{job.key}.{self.salt}{job.suffix}"

    def has(self, job: Job) -> bool:
        """Whether a result is stored (it may still be pruned or found unreadable before it is read)."""
        return self.path(job).exists()

    def get(self, job: Job):
        """The cached result (a LabResult, or a demo's value), or None if it is missing or unreadable."""
        path = self.path(job)
        try:
            os.utime(path)  # recently used: pruned last
            if job.kind == "lab":
                return load_result(path)
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:  # never stored, or pruned by another process
            return None
        except Exception:  # truncated, foreign or of an older format: a miss, and it is trained again
            path.unlink(missing_ok=True)
            return None

    def put(self, job: Job, value) -> None:
        """Store a result atomically, then prune the oldest results beyond the size bound."""
        if job.kind == "lab":
            write_atomically(self.path(job), lambda temporary: save_result(value, temporary))
        else:
            write_atomically(self.path(job), lambda temporary: temporary.write_bytes(pickle.dumps(value)))
        self.prune()

    def prune(self) -> None:
        """Remove least recently used results until the cache fits in `max_bytes`; keep the newest."""
        files = files_oldest_first([*self.directory.glob("*.npz"), *self.directory.glob("*.pkl")])
        total = sum(size for _, size in files)
        for path, size in files[:-1]:
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
        now = time.time()
        for path, _ in files_oldest_first(self.directory.glob(".*.partial")):
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime > STALE_PARTIAL_AFTER:
                    path.unlink(missing_ok=True)
