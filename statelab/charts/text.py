"""Charts in words, for a screen reader: what a figure shows, with its numbers; and its data as table rows.

Pure: a Plotly figure in, text or rows out, read from the figure itself (its title, axis titles, named
traces and baseline labels), so every chart of the app gets its text alternative one way.
"""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

LISTED = 12  # a trace with at most this many points lists them all; a longer one is summarised
MAX_ROWS = 60  # longer data is not offered as a table


def plain(text: str | None) -> str:
    """Chart text without its HTML: a wrapped line goes on with a space, a subtitle line after "; "."""
    text = re.sub(r"<br\s*/?>(?=<span)", "; ", text or "")
    text = re.sub(r"<br\s*/?>", " ", text)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def number(value: object) -> str:
    """A number as the text says it: three significant digits, no trailing zeros."""
    return f"{float(value):.3g}" if isinstance(value, int | float | np.number) else str(value)


def _named(figure: go.Figure) -> list:
    """The traces a reader should hear about: those in the legend, or the only one."""
    traces = [trace for trace in figure.data if trace.showlegend is not False and trace.name]
    return traces or [trace for trace in figure.data if trace.name] or list(figure.data[:1])


def _trace_sentence(trace, x_title: str) -> str:
    """One trace in words: its values where few, else where it starts, ends, and its range."""
    name = plain(trace.name) or "values"
    x, y = trace.x, trace.y
    if getattr(trace, "orientation", None) == "h":  # bars across: the labels are on y
        x, y = y, x
    if y is None:
        return f"{name}: a {trace.type} chart."
    if len(y) == 0:
        return f"{name}: none."
    x = list(x) if x is not None else list(range(len(y)))
    if any(value is None for value in [*x, *y]):  # separate segments (arrows, marks) in one trace
        return f"{name}: {sum(value is None for value in y) + 1} marks."
    values = [float(value) for value in y]
    if not values:
        return f"{name}: no values."
    if len(y) <= LISTED:
        pairs = ", ".join(f"{plain(str(label))}: {number(value)}" for label, value in zip(x, y, strict=False))
        return f"{name}, by {x_title}: {pairs}." if x_title else f"{name}: {pairs}."
    return (
        f"{name}: {len(y)} points, {x_title or 'x'} {number(x[0])} to {number(x[-1])}, starting at "
        f"{number(values[0])} and ending at {number(values[-1])}; lowest {number(min(values))}, "
        f"highest {number(max(values))}."
    )


def figure_text(figure: go.Figure) -> str:
    """A chart in one or a few sentences with its numbers: title, axes, each named trace, baseline labels."""
    layout = figure.layout
    x_title, y_title = plain(layout.xaxis.title.text), plain(layout.yaxis.title.text)
    parts = [f"Chart: {plain(layout.title.text)}." if layout.title.text else "Chart."]
    if y_title:
        parts.append(f"Values: {y_title}.")
    parts += [_trace_sentence(trace, x_title) for trace in _named(figure)]
    lines = [plain(annotation.text) for annotation in layout.annotations if annotation.text]
    if lines:
        parts.append("Marked: " + "; ".join(lines) + ".")
    return " ".join(parts)


def figure_rows(figure: go.Figure) -> list[dict[str, str]]:
    """The named traces' values as table rows, one per point of their shared x axis; [] when they do not
    share one (or it is longer than MAX_ROWS)."""
    traces = [trace for trace in _named(figure) if trace.y is not None and trace.x is not None]
    if not traces or getattr(traces[0], "orientation", None) == "h":
        return []
    x = list(traces[0].x)
    if len(x) > MAX_ROWS or any(list(trace.x) != x for trace in traces):
        return []
    column = plain(figure.layout.xaxis.title.text) or "x"
    return [
        {column: number(point), **{plain(trace.name): number(trace.y[index]) for trace in traces}}
        for index, point in enumerate(x)
    ]
