"""A learner's own CSV time series: read, checked and cleaned, with plain-language reasons to refuse.

NumPy and the standard library only. The numbers come from a column that is (almost all) numeric, by
default the first one that is not a counter (row numbers, years); a header row and comment lines (#) are
skipped; a few gaps are filled in a straight line. A file separated by semicolons or tabs may write
decimal commas (12,5), as spreadsheets in many languages save it.
"""

from __future__ import annotations

import csv
import io
import math
import re

import numpy as np

MAX_UPLOAD_BYTES = 2_000_000
MIN_VALUES, MAX_VALUES = 100, 20_000
DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
NUMERIC_SHARE = 0.9  # a column is the series if this share of its cells are numbers; the rest are filled


class UploadError(ValueError):
    """An uploaded file that cannot be used, with a message that says why and what to do."""


def numeric_columns(data: bytes, name: str = "the file") -> dict[int, str]:
    """The columns of an uploaded CSV file that can be a series: index -> its header or "column N"."""
    return {index: _label(index, header) for index, (header, _) in _columns(data, name).items()}


def default_column(data: bytes, name: str = "the file") -> int:
    """The column read unless the learner picks another: the first numeric one that is not a counter."""
    return _first_series(_columns(data, name))


def read_series_csv(data: bytes, name: str = "the file", column: int | None = None) -> tuple[np.ndarray, str]:
    """The series in a column of an uploaded CSV file (default: `default_column`), and what was read."""
    columns = _columns(data, name)
    if column is None:
        column = _first_series(columns)
    if column not in columns:
        raise UploadError(f"Column {column + 1} of {name} is not a column of numbers: pick another one.")
    header, numbers = columns[column]
    values, filled = _fill_gaps(numbers)
    notes = [f"{filled} gap(s) filled"] if filled else []
    if values.size > MAX_VALUES:
        notes.append(f"the first {MAX_VALUES:,} of {values.size:,} values kept")
        values = values[:MAX_VALUES]
    if values.size < MIN_VALUES:
        raise UploadError(
            f"{name} has {values.size} values; a series needs at least {MIN_VALUES} "
            "(training takes streams from its first part, scoring from its last part)."
        )
    if np.ptp(values) == 0:
        raise UploadError(f"Every value in {name} is {values[0]:g}: there is nothing to forecast.")
    return values, f"{_label(column, header)}: {values.size:,} values" + (
        f" ({'; '.join(notes)})" if notes else ""
    )


def _text(data: bytes, name: str) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB. "
            f"Keep one column of at most {MAX_VALUES:,} values."
        )
    if b"\0" in data:
        raise UploadError(f"{name} is not a text file: save the series as CSV (comma-separated text).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _rows(text: str, name: str) -> tuple[list[list[str]], bool]:
    """The cells of every line that is not empty or a comment, and whether decimal commas may be used."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise UploadError(f"{name} is empty: it needs a column of numbers, one per line.")
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or commas
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO("\n".join(lines)), dialect)]
    return rows, dialect.delimiter != ","


def _columns(data: bytes, name: str) -> dict[int, tuple[str, np.ndarray]]:
    """Every column of nearly all numbers: index -> (header or "", its numbers with NaN gaps)."""
    rows, decimal_comma = _rows(_text(data, name), name)
    columns = {}
    for column in range(max(len(row) for row in rows)):
        cells = [row[column] if column < len(row) else "" for row in rows]
        numbers = np.array([_number(cell, decimal_comma) for cell in cells])
        header = cells[0] if math.isnan(numbers[0]) else ""
        body = numbers[1:] if header else numbers
        if body.size and (~np.isnan(body)).sum() >= NUMERIC_SHARE * body.size:
            columns[column] = (header, body)
    if not columns:
        raise UploadError(
            f"No column of {name} is at least {NUMERIC_SHARE:.0%} numbers: the series must be one column of "
            "numbers, with or without a header row (a few missing values are filled in, not more). Write "
            "numbers with a decimal point (12.5); a decimal comma (12,5) works only in a file whose columns "
            "are separated by semicolons or tabs."
        )
    return columns


def _label(column: int, header: str) -> str:
    """How a column is named to the learner: its header, or its position."""
    return f"column {header!r}" if header else f"column {column + 1}"


def _number(cell: str, decimal_comma: bool = False) -> float:
    """A cell as a finite number (with `decimal_comma`, 12,5 is 12.5), or NaN."""
    if decimal_comma and DECIMAL_COMMA.match(cell):
        cell = cell.replace(",", ".")
    try:
        value = float(cell)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def _first_series(columns: dict[int, tuple[str, np.ndarray]]) -> int:
    """The first column that is not a counter (or the first column, if every one is)."""
    series = [index for index, (_, numbers) in columns.items() if not _is_counter(numbers)]
    return (series or list(columns))[0]


def _is_counter(numbers: np.ndarray) -> bool:
    """Whether a column counts up by one fixed step (row numbers, years): an index, not a series."""
    steps = np.diff(numbers)
    return steps.size > 0 and not np.isnan(steps).any() and steps[0] > 0 and bool(np.all(steps == steps[0]))


def _fill_gaps(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Trim missing values at both ends and fill the few inside by straight lines; (values, filled)."""
    present = np.flatnonzero(~np.isnan(values))
    values = values[present[0] : present[-1] + 1]
    missing = np.isnan(values)
    steps = np.arange(values.size)
    values[missing] = np.interp(steps[missing], steps[~missing], values[~missing])
    return values, int(missing.sum())
