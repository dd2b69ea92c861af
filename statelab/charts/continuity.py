"""Continuity views: batch layout diagrams, the carried-state traces and the gradient at a batch boundary.

Pure figure builders: NumPy in, `plotly.graph_objects.Figure` out. No training, no UI.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from statelab.charts.lab import (
    BROKEN_COLOR,
    FONT,
    LINE_PALETTE,
    NEUTRAL_COLOR,
    STATEFUL_COLOR,
    STATELESS_COLOR,
    style,
)
from statelab.engine.layout import BatchLayout
from statelab.engine.results import StateTrace

RESET_COLOR = "#222222"
# Paul Tol's "light" scheme: colour-blind safe, dark text stays readable on every colour.
STREAM_PALETTE = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")
FONT_SIZE = FONT["size"]
HALF_WIDTH, HALF_HEIGHT = 0.36, 0.42  # a cell's half extent, in batches and rows
LEGEND_ROOM = 80  # pixels under a trace's axis for its legend: three rows of entries at a phone's width


def plot_layout(
    layout: BatchLayout,
    epoch: int = 0,
    max_batches: int = 12,
    max_rows: int = 16,
    highlight: int | None = None,
    phase: str = "",
    title: str = "",
) -> go.Figure:
    """Batches x rows of one epoch (or a `phase` such as "evaluation"), coloured by stream, carry arrows.

    `title` replaces the default question above the diagram.
    """
    n_epochs, n_batches, n_rows = layout.stream.shape
    _check_index("epoch", epoch, n_epochs)
    _check_whole(max_batches=max_batches, max_rows=max_rows)
    if highlight is not None:
        _check_index("highlight", highlight, n_batches)
    batches, rows = _shown(n_batches, max_batches, highlight), np.arange(min(max_rows, n_rows))
    stream, window = (part[epoch][np.ix_(batches, rows)] for part in (layout.stream, layout.window))
    hover = [[incoming_text(layout, epoch, batch, row) for row in rows] for batch in batches]
    figure = go.Figure(_cells(batches, rows, stream, window, hover))
    figure.add_traces(_carry_traces(layout, epoch, batches, rows))
    figure.add_trace(_reset_trace(batches[layout.resets[epoch, batches]], rows))
    if highlight is not None:
        box = {"x0": highlight - 0.44, "x1": highlight + 0.44, "y0": rows[0] - 0.56, "y1": rows[-1] + 0.56}
        figure.add_shape(type="rect", name="highlight", line={"color": STATEFUL_COLOR, "width": 3}, **box)
    when = phase or f"epoch {epoch + 1}"
    title = title or f"Batch layout, {when}: does row i of batch k+1 continue row i of batch k?"
    subtitle = f"state continuity in this pass: {layout.continues[epoch].mean():.0%}"
    return _frame(figure, title, subtitle + _truncation(batches, n_batches, rows, n_rows), batches, rows)


def plot_stateless_windows(
    n_windows: int, batch_size: int, max_rows: int = 16, max_batches: int = 12
) -> go.Figure:
    """The same batches as a stateless model sees them: no arrows, every window starts from zero."""
    _check_whole(n_windows=n_windows, batch_size=batch_size, max_rows=max_rows, max_batches=max_batches)
    batches, rows = _shown(n_windows, max_batches, None), np.arange(min(max_rows, batch_size))
    window, stream = np.meshgrid(batches, rows, indexing="ij")
    hover = [
        [f"batch {k}, row {i}: stream {i}, window {k}<br>starts from zero" for i in rows] for k in batches
    ]
    figure = go.Figure(_cells(batches, rows, stream, window, hover))
    x, y = np.meshgrid(batches - HALF_WIDTH, rows, indexing="ij")
    marker = {"size": _mark_size(rows), "color": "white", "line": {"color": RESET_COLOR, "width": 2}}
    figure.add_trace(
        go.Scatter(x=x.ravel(), y=y.ravel(), mode="markers", name="starts from zero state", marker=marker)
    )
    title = "What a stateless model sees: each window starts from zero"
    subtitle = "no state passes from batch k to batch k+1" + _truncation(batches, n_windows, rows, batch_size)
    return _frame(figure, title, subtitle, batches, rows)


def plot_state_trace(trace: StateTrace, streams: list[int] | None = None, quantity: str = "h") -> go.Figure:
    """‖h‖ (or ‖c‖) of a few held-out streams, step by step across windows, with resets and boundaries."""
    if quantity not in ("h", "c"):
        raise ValueError(f'quantity must be "h" (hidden state) or "c" (cell state), not {quantity!r}.')
    if getattr(trace, quantity) is None:
        raise ValueError("This trace has no c: a GRU or a SimpleRNN keeps one state tensor, h.")
    norms = np.linalg.norm(getattr(trace, quantity), axis=-1)  # (streams, windows, timesteps)
    entering = np.linalg.norm(getattr(trace, f"incoming_{quantity}"), axis=-1)  # (streams, windows)
    n_streams, n_windows, timesteps = norms.shape
    streams = list(range(min(3, n_streams))) if streams is None else list(streams)
    if not streams or any(not 0 <= stream < n_streams for stream in streams):
        raise ValueError(
            f"streams must be a non-empty list of held-out stream ids from 0 to {n_streams - 1}."
        )
    batch_size = _eval_batch_size(trace.resets.size, n_windows, n_streams)
    starts = np.arange(n_windows) * timesteps - 0.5
    x = np.concatenate([np.r_[start, start + 0.5 + np.arange(timesteps)] for start in starts])
    figure = go.Figure()
    for index, stream in enumerate(streams):
        y = np.concatenate(
            [np.r_[entering[stream, window], norms[stream, window]] for window in range(n_windows)]
        )
        hover = f"stream {stream}, step %{{x}}: ‖{quantity}‖ = %{{y:.3f}}<extra></extra>"
        line = {"color": LINE_PALETTE[index % len(LINE_PALETTE)], "width": 2.5}
        figure.add_trace(
            go.Scatter(x=x, y=y, mode="lines", name=f"stream {stream}", line=line, hovertemplate=hover)
        )
    resets = trace.resets.reshape(-1, n_windows)[[stream // batch_size for stream in streams]]
    figure.add_traces(_entering_traces(streams, starts, entering, resets, quantity))
    for start in starts[1:]:
        line = {"color": NEUTRAL_COLOR, "width": 1.5, "dash": "dot"}
        figure.add_shape(
            type="line", name="window boundary", x0=start, x1=start, y0=0, y1=1, yref="paper", line=line
        )
    name = "hidden state" if quantity == "h" else "cell state"
    legend = "dotted lines: batch boundaries (a new window); ○ state entering a window; ✕ reset to zero"
    title = f"Carried {name} ‖{quantity}‖ of held-out streams, step by step"
    style(figure, title, "step inside the stream", f"‖{quantity}‖ (size of the {name})", legend, height=560)
    # up to 8 entries: below the axis, where rows they wrap into on a phone cannot cover the title
    figure.update_layout(
        legend={"yref": "container", "y": 0, "yanchor": "bottom"}, margin={"b": 60 + LEGEND_ROOM}
    )
    figure.update_xaxes(range=[-1.2, n_windows * timesteps - 0.5])
    return figure.update_yaxes(rangemode="tozero")


def plot_row_trace(
    layout: BatchLayout, entering: np.ndarray, row: int = 0, max_batches: int = 48
) -> go.Figure:
    """‖h‖ entering each batch of the last epoch in one row, marked right (own stream), wrong, or reset."""
    n_batches, n_rows = entering.shape
    if not 0 <= row < n_rows:
        raise ValueError(f"row must be between 0 and {n_rows - 1}, not {row}.")
    epoch = layout.stream.shape[0] - 1
    batches = np.arange(min(n_batches, max_batches))
    resets = layout.resets[epoch, batches]
    right = layout.continues[epoch, batches, row] & ~resets
    wrong = ~layout.continues[epoch, batches, row] & ~resets
    hover = [incoming_text(layout, epoch, batch, row) for batch in batches]
    norms = entering[batches, row]
    figure = go.Figure(
        go.Scatter(
            x=batches,
            y=norms,
            mode="lines",
            line={"color": NEUTRAL_COLOR, "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    kinds = (
        ("its own stream's state", right, STATEFUL_COLOR, "circle"),
        ("another stream's state", wrong, BROKEN_COLOR, "diamond"),
        ("reset to zero", resets, RESET_COLOR, "x"),
    )
    for name, mask, color, symbol in kinds:
        figure.add_trace(
            go.Scatter(
                x=batches[mask],
                y=norms[mask],
                mode="markers",
                name=name,
                marker={"color": color, "size": 11, "symbol": symbol},
                hovertext=[hover[i] for i in np.flatnonzero(mask)],
                hoverinfo="text",
            )
        )
    shown = f" (first {len(batches)} of {n_batches} batches)" if len(batches) < n_batches else ""
    title = f"Row {row} in the last training epoch: the state it carries into each batch{shown}"
    return style(figure, title, "batch (k)", "‖h‖ entering the batch")


def plot_gradient_boundary(result: dict) -> go.Figure:
    """Gradient of window k+1's loss on each input step of window k: stateful batches vs one sequence."""
    missing = {"stateful_gradient", "one_sequence_gradient", "carried_state_norm"} - set(result)
    if missing:
        raise ValueError(f"Not a gradient_across_boundary result: missing {', '.join(sorted(missing))}.")
    stateful, one_sequence = result["stateful_gradient"], result["one_sequence_gradient"]
    steps = [f"step {step}" for step in range(len(stateful))]
    labels = [f"{value:.2g}" for value in stateful]
    figure = go.Figure(
        [
            go.Bar(x=steps, y=stateful, name="stateful, two batches", marker_color=STATEFUL_COLOR),
            go.Bar(x=steps, y=one_sequence, name="stateless, one sequence", marker_color=STATELESS_COLOR),
        ]
    )
    figure.update_traces(selector=0, text=labels, textposition="outside")
    note = gradient_boundary_note(result)
    title = "Does the loss of window k+1 send a gradient back into window k?"
    style(figure, title, "input step of window k", "gradient size |∂ loss(k+1) / ∂ input|", note, height=460)
    return figure.update_yaxes(rangemode="tozero").update_layout(barmode="group")


def gradient_boundary_note(result: dict) -> str:
    """What the measured gradients show, in words that follow the numbers."""
    crossed = f"The state's value crossed the boundary (‖h‖ = {result['carried_state_norm']:.2f})"
    largest = float(np.max(np.abs(result["stateful_gradient"])))
    if largest == 0.0:
        return f"{crossed}, but no gradient reached the batch that wrote it."
    return f"{crossed}, and so did some gradient (largest {largest:.2g})."


def _check_whole(**values: int) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}.")


def _check_index(name: str, value: int, size: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 0 <= value < size:
        raise ValueError(f"{name} must be a whole number from 0 to {size - 1}, not {value!r}.")


def _shown(total: int, limit: int, focus: int | None) -> np.ndarray:
    """The indices to draw: the first `limit`, or a run of `limit` around `focus`."""
    count = min(limit, total)
    start = 0 if focus is None else int(np.clip(focus - count // 2, 0, total - count))
    return np.arange(start, start + count)


def _truncation(batches: np.ndarray, n_batches: int, rows: np.ndarray, n_rows: int) -> str:
    if len(batches) == n_batches and len(rows) == n_rows:
        return ""
    return f"; showing {len(batches)} of {n_batches} batches, {len(rows)} of {n_rows} rows"


def incoming_text(layout: BatchLayout, epoch: int, batch: int, row: int) -> str:
    """Plain words for where the state entering one cell comes from."""
    stream, window = layout.stream[epoch, batch, row], layout.window[epoch, batch, row]
    place = f"batch {batch}, row {row}: stream {stream}, window {window}"
    if layout.resets[epoch, batch]:
        if window == 0:
            return f"{place}<br>starts from zero: reset before this batch"
        return f"{place}<br>reset mid-stream: the state of its earlier windows is lost"
    if not (epoch or batch):
        return f"{place}<br>no reset: starts from whatever state the layer held before"
    before = (epoch, batch - 1, row) if batch else (epoch - 1, layout.stream.shape[1] - 1, row)
    origin = f"stream {layout.stream[before]}, window {layout.window[before]}"
    if layout.continues[epoch, batch, row]:
        return f"{place}<br>state carried from {origin}: its own previous window"
    return f"{place}<br>WRONG state: carried from {origin}"


def _row_pixels(rows: np.ndarray) -> float:
    return float(np.clip(560 / len(rows), 14, 60))


def _mark_size(rows: np.ndarray) -> float:
    return min(13.0, 0.6 * _row_pixels(rows))


def _cells(batches, rows, stream, window, hover) -> go.Bar:
    """One rectangle per cell, coloured by stream; labels hide themselves when the cell is too small."""
    x, y = np.meshgrid(batches, rows, indexing="ij")
    colors = np.array(STREAM_PALETTE)[stream.ravel() % len(STREAM_PALETTE)]
    labels = [f"s{s} w{w}" for s, w in zip(stream.ravel(), window.ravel(), strict=True)]
    return go.Bar(
        x=x.ravel(),
        y=np.full(x.size, 2 * HALF_HEIGHT),
        base=y.ravel() - HALF_HEIGHT,
        width=2 * HALF_WIDTH,
        name="cells",
        marker={"color": colors, "line": {"width": 0}},
        showlegend=False,
        text=labels,
        textposition="inside",
        insidetextanchor="middle",
        textangle=0,
        textfont={"size": FONT_SIZE, "color": RESET_COLOR},
        hovertext=np.ravel(hover),
        hoverinfo="text",
    )


def _carry_traces(layout: BatchLayout, epoch: int, batches: np.ndarray, rows: np.ndarray) -> list[go.Scatter]:
    """Arrows from row i of batch k to row i of batch k+1 unless a reset cuts them: grey right, red wrong."""
    arrows = {True: ([], []), False: ([], [])}
    for batch in batches[~layout.resets[epoch, batches]]:
        for row in rows:
            xs, ys = arrows[bool(layout.continues[epoch, batch, row])]
            xs += [batch - 1 + HALF_WIDTH, batch - HALF_WIDTH - 0.02, None]
            ys += [row, row, None]
    styles = {
        True: ("state carries over", NEUTRAL_COLOR, "solid"),
        False: ("state from another stream", BROKEN_COLOR, "dash"),
    }
    traces, size = [], _mark_size(rows)
    for right, (xs, ys) in arrows.items():
        name, color, dash = styles[right]
        sizes = [size if index % 3 == 1 else 0 for index in range(len(xs))]  # an arrowhead at each end
        marker = {"symbol": "arrow", "angleref": "previous", "color": color, "size": sizes}
        line = {"color": color, "width": 2.5, "dash": dash}
        traces.append(go.Scatter(x=xs, y=ys, mode="lines+markers", name=name, line=line, marker=marker))
    return [trace.update(hoverinfo="skip") for trace in traces]


def _reset_trace(reset_batches: np.ndarray, rows: np.ndarray) -> go.Scatter:
    """A thick bar before every batch whose state is reset to zero."""
    xs = [x for batch in reset_batches for x in (batch - 0.5, batch - 0.5, None)]
    ys = [y for _ in reset_batches for y in (rows[0] - 0.5, rows[-1] + 0.5, None)]
    line = {"color": RESET_COLOR, "width": 5}
    return go.Scatter(x=xs, y=ys, mode="lines", name="reset", line=line, hoverinfo="skip")


def _entering_traces(streams, starts, entering, resets, quantity: str) -> list[go.Scatter]:
    """Open circles: the state entering each window; crosses: a reset before that window."""
    colors, x, y, hover = [], [], [], []
    for index, stream in enumerate(streams):
        for window, start in enumerate(starts):
            colors.append(LINE_PALETTE[index % len(LINE_PALETTE)])
            x.append(start)
            y.append(entering[stream, window])
            how = "reset to zero" if resets[index, window] else "carried in, no reset"
            hover.append(f"stream {stream} entering window {window}: ‖{quantity}‖ = {y[-1]:.3f} ({how})")
    reset_x = np.broadcast_to(starts, resets.shape)[resets]
    circles = {"symbol": "circle-open", "size": 11, "color": colors, "line": {"width": 2.5}}
    crosses = {"symbol": "x-thin", "size": 14, "line": {"width": 3, "color": RESET_COLOR}}
    return [
        go.Scatter(x=x, y=y, mode="markers", name="state entering a window", marker=circles, hovertext=hover),
        go.Scatter(x=reset_x, y=np.zeros(len(reset_x)), mode="markers", name="reset", marker=crosses),
    ]


def _eval_batch_size(n_batches: int, n_windows: int, n_streams: int) -> int:
    """Streams per evaluation batch, from the number of reset flags (groups x windows)."""
    groups, leftover = divmod(n_batches, n_windows)
    if leftover or groups == 0 or n_streams % groups:
        raise ValueError(
            f"The trace has {n_batches} reset flags for {n_windows} windows and {n_streams} streams: "
            "expected one flag per evaluation batch (stream groups x windows)."
        )
    return n_streams // groups


def _frame(figure: go.Figure, title: str, subtitle: str, batches: np.ndarray, rows: np.ndarray) -> go.Figure:
    """Axes and size shared by the two batch diagrams: row 0 at the top, at most 20 row ticks."""
    plain = {"showgrid": False, "zeroline": False}
    height = int(len(rows) * _row_pixels(rows)) + 210
    style(figure, title, "batch (k)", "batch row (i)", subtitle, height=height)
    figure.update_xaxes(tickvals=batches, range=[batches[0] - 0.8, batches[-1] + 0.6], **plain)
    figure.update_yaxes(tickvals=rows[:: -(-len(rows) // 20)], range=[rows[-1] + 0.6, rows[0] - 0.6], **plain)
    return figure.update_layout(barmode="overlay", uniformtext={"minsize": 13, "mode": "hide"})
