"""What the server keeps on disk: the result cache and learners' uploaded series (NumPy only)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np

SERIES_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_STORED_SERIES = 2000  # the oldest uploads are removed beyond this many


def cache_directory() -> Path:
    """The shared cache folder: STATELAB_CACHE, or .statelab-cache/ beside the package."""
    return Path(os.environ.get("STATELAB_CACHE", Path(__file__).resolve().parents[1] / ".statelab-cache"))


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
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text)
        temporary.replace(path)
        _prune(path.parent)
    return series_id


def stored_series_length(series_id: str) -> int | None:
    """How many values a stored series has, or None if it is not on this server."""
    path = series_path(series_id)
    return sum(1 for _ in path.open()) if path.exists() else None


def _prune(directory: Path) -> None:
    """Remove the oldest stored series beyond MAX_STORED_SERIES."""
    stored = sorted(directory.glob("*.csv"), key=lambda path: path.stat().st_mtime)
    for path in stored[: max(0, len(stored) - MAX_STORED_SERIES)]:
        path.unlink(missing_ok=True)
