"""What the lab keeps on disk: the shared cache folder, safe writes to it, and learners' uploaded series.

Every replica and worker process may read, write and prune the same folder at once, so writes are
atomic (a temporary file, then a rename) and a file that vanishes mid-way is simply not there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

SERIES_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_STORED_SERIES = 2000  # the oldest uploads are removed beyond this many
PACKAGE = Path(__file__).resolve().parents[1]


def cache_directory() -> Path:
    """The shared cache folder: STATELAB_CACHE, or .statelab-cache/ beside the package when it is unset."""
    return Path(chosen_cache_directory() or PACKAGE.parent / ".statelab-cache")


def chosen_cache_directory() -> str | None:
    """STATELAB_CACHE, or None when it is unset or empty (an empty one would put the cache in whatever
    folder the process runs in)."""
    return os.environ.get("STATELAB_CACHE") or None


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
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


def files_oldest_first(paths) -> list[tuple[Path, int]]:
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
        write_atomically(path, lambda temporary: temporary.write_text(text))
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
    stored = files_oldest_first(directory.glob("*.csv"))
    for path, _ in stored[: max(0, len(stored) - MAX_STORED_SERIES)]:
        path.unlink(missing_ok=True)
