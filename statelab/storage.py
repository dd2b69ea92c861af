"""What the server keeps on disk: results by job (the shared result cache) and learners' uploaded series.

Every replica and worker process may read, write and prune the same folder at once, so writes are
atomic (a temporary file, then a rename), a file that vanishes mid-way is simply not there, and an
entry that cannot be read is a miss. Result files carry a version salt (this code, Keras and
TensorFlow), so an upgrade never serves results or Keras messages of the old versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from statelab.config import LabConfig

SERIES_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_STORED_SERIES = 2000  # the oldest uploads are removed beyond this many
PACKAGE = Path(__file__).resolve().parent
STALE_PARTIAL_AFTER = 3600.0  # seconds: a temporary file this old belongs to a process that died


def cache_directory() -> Path:
    """The shared cache folder: STATELAB_CACHE, or .statelab-cache/ beside the package."""
    return Path(os.environ.get("STATELAB_CACHE", PACKAGE.parent / ".statelab-cache"))


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write a file with `write(temporary_path)` beside it, then rename it into place in one step."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _files_oldest_first(paths) -> list[tuple[Path, int]]:
    """(path, size) of the files that still exist, least recently modified first."""
    found = []
    for path in paths:
        with contextlib.suppress(FileNotFoundError):  # another process removed it meanwhile
            stat = path.stat()
            found.append((stat.st_mtime, path, stat.st_size))
    return [(path, size) for _, path, size in sorted(found)]


# Uploaded series -------------------------------------------------------------------------------


def series_path(series_id: str) -> Path:
    """Where an uploaded series is stored, one value per line; ValueError for a malformed id."""
    if not SERIES_ID.match(series_id):
        raise ValueError(f"{series_id!r} is not a series id: expected 16 hexadecimal digits.")
    return cache_directory() / "series" / f"{series_id}.csv"


def store_series(values: np.ndarray) -> str:
    """Keep a series on the server (shared by all sessions and workers); returns its id."""
    text = "\n".join(f"{value:.9g}" for value in np.asarray(values, dtype=np.float64)) + "\n"
    series_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = series_path(series_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _write_atomically(path, lambda temporary: temporary.write_text(text))
        _prune_series(path.parent)
    return series_id


def stored_series_length(series_id: str) -> int | None:
    """How many values a stored series has, or None if it is not on this server."""
    try:
        with series_path(series_id).open() as lines:
            return sum(1 for _ in lines)
    except FileNotFoundError:
        return None


def _prune_series(directory: Path) -> None:
    """Remove the oldest stored series beyond MAX_STORED_SERIES."""
    stored = _files_oldest_first(directory.glob("*.csv"))
    for path, _ in stored[: max(0, len(stored) - MAX_STORED_SERIES)]:
        path.unlink(missing_ok=True)


# Jobs and their results ----------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One unit of work: a lab run (kind "lab") or a live demo (kind "demo"), stored under `key`."""

    kind: str
    args: dict
    key: str

    @property
    def suffix(self) -> str:
        """Its file type in the cache: .npz for lab results, .pkl for demo results."""
        return ".npz" if self.kind == "lab" else ".pkl"


def lab_job(config: LabConfig) -> Job:
    """The job that trains both models of a config."""
    return Job("lab", asdict(config), config.key())


def demo_job(name: str, **kwargs) -> Job:
    """The job that runs a named live demo (see statelab.demos) with keyword arguments."""
    text = json.dumps({"demo": name, "kwargs": kwargs}, sort_keys=True)
    return Job(
        "demo", {"name": name, "kwargs": kwargs}, "demo-" + hashlib.sha256(text.encode()).hexdigest()[:20]
    )


def as_job(work: LabConfig | Job) -> Job:
    """A Job from a LabConfig (or the Job itself)."""
    return work if isinstance(work, Job) else lab_job(work)


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

    def path(self, work: LabConfig | Job) -> Path:
        """Where the result of a config (or job) is stored by this version of the code and libraries."""
        job = as_job(work)
        return self.directory / f"{job.key}.{self.salt}{job.suffix}"

    def has(self, work: LabConfig | Job) -> bool:
        """Whether a result is stored (it may still be pruned or found unreadable before it is read)."""
        return self.path(work).exists()

    def get(self, work: LabConfig | Job):
        """The cached result (a LabResult, or a demo's value), or None if it is missing or unreadable."""
        from statelab.results import load_result  # results -> config -> storage: imported when used

        job = as_job(work)
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
        from statelab.results import save_result  # see `get`

        if job.kind == "lab":
            _write_atomically(self.path(job), lambda temporary: save_result(value, temporary))
        else:
            _write_atomically(self.path(job), lambda temporary: temporary.write_bytes(pickle.dumps(value)))
        self.prune()

    def prune(self) -> None:
        """Remove least recently used results until the cache fits in `max_bytes`; keep the newest."""
        files = _files_oldest_first([*self.directory.glob("*.npz"), *self.directory.glob("*.pkl")])
        total = sum(size for _, size in files)
        for path, size in files[:-1]:
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
        now = time.time()
        for path, _ in _files_oldest_first(self.directory.glob(".*.partial")):
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime > STALE_PARTIAL_AFTER:
                    path.unlink(missing_ok=True)
