"""Figures for the lessons' live demos: pure functions from plain values (NumPy, lists) to `go.Figure`."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from statelab.charts.continuity import RESET_COLOR, STREAM_PALETTE, plot_layout
from statelab.charts.lab import FONT, NEUTRAL_COLOR, STATEFUL_COLOR, STATELESS_COLOR, style
from statelab.engine.layout import fit_order_layout


def plot_fit_order(order: np.ndarray, heading: str) -> go.Figure:
    """The batch layout diagram of one epoch's captured sample order, e.g. what fit(shuffle=...) fed."""
    return plot_layout(fit_order_layout(order), title=heading)


def plot_row_change(row_change: list[float]) -> go.Figure:
    """How far each batch row's carried state moved when only row 0's input changed."""
    rows = [f"row {row}" for row in range(len(row_change))]
    figure = go.Figure(
        go.Bar(
            x=rows,
            y=row_change,
            marker_color=[STATEFUL_COLOR] + [NEUTRAL_COLOR] * (len(rows) - 1),
            text=[f"{value:.3g}" for value in row_change],
            textposition="outside",
        )
    )
    style(figure, "Only row 0's input changed: whose carried state moved?", "batch row", "change of h (‖Δh‖)")
    return figure.update_yaxes(rangemode="tozero").update_layout(showlegend=False, height=360)


def plot_epoch_boundary(epoch_begin: list[float], epoch_end: list[float]) -> go.Figure:
    """‖h‖ at the start and at the end of every fit epoch: does anything reset it in between?"""
    x, y, labels = [], [], []
    for epoch, (begin, end) in enumerate(zip(epoch_begin, epoch_end, strict=True), start=1):
        x += [f"epoch {epoch} starts", f"epoch {epoch} ends"]
        y += [begin, end]
        labels += [f"{begin:.4f}", f"{end:.4f}"]
    colors = [STATELESS_COLOR if label.endswith("starts") else STATEFUL_COLOR for label in x]
    figure = go.Figure(go.Bar(x=x, y=y, marker_color=colors, text=labels, textposition="outside"))
    style(
        figure, "‖h‖ of a stateful LSTM at the start and end of each fit epoch", "", "‖h‖ (size of the state)"
    )
    return figure.update_yaxes(rangemode="tozero").update_layout(showlegend=False, height=380)


def plot_predict_twice(first: list[float], second: list[float]) -> go.Figure:
    """The outputs of two identical predict calls, row by row."""
    rows = [f"row {row}" for row in range(len(first))]
    figure = go.Figure(
        [
            go.Bar(x=rows, y=first, name="first predict(x)", marker_color=STATEFUL_COLOR),
            go.Bar(x=rows, y=second, name="second predict(x), same x", marker_color=STATELESS_COLOR),
        ]
    )
    style(figure, "The same input, predicted twice without a reset", "batch row", "model output")
    return figure.update_layout(barmode="group", height=380)


def _box(figure: go.Figure, x: float, y: float, text: str, color: str, width: float = 0.8) -> None:
    """A labelled rectangle centred on (x, y), half a unit high."""
    box = {"x0": x - width / 2, "x1": x + width / 2, "y0": y - 0.25, "y1": y + 0.25}
    figure.add_shape(type="rect", fillcolor=color, line={"color": RESET_COLOR, "width": 1}, **box)
    figure.add_annotation(x=x, y=y, text=text, showarrow=False, font={"size": 13, "color": RESET_COLOR})


def _arrow(figure: go.Figure, start: tuple[float, float], end: tuple[float, float], text: str = "") -> None:
    """An arrow from start to end in data coordinates, with an optional label above its tail."""
    figure.add_annotation(
        x=end[0],
        y=end[1],
        ax=start[0],
        ay=start[1],
        **{"xref": "x", "yref": "y", "axref": "x", "ayref": "y"},
        text=text,
        showarrow=True,
        arrowhead=2,
        arrowwidth=1.6,
        arrowcolor=NEUTRAL_COLOR,
        font={"size": 13, "color": NEUTRAL_COLOR},
        yshift=12 if text else 0,
    )


def _heading(figure: go.Figure, y: float, text: str) -> None:
    """A section heading at the left edge of the picture."""
    figure.add_annotation(x=-0.4, y=y, text=f"<b>{text}</b>", showarrow=False, xanchor="left")


def plot_lstm_words(timesteps: int = 4, n_windows: int = 3, batch_size: int = 3) -> go.Figure:
    """The lessons' words as one picture: an LSTM unrolled over a window, a stream's windows, a batch."""
    if not (2 <= timesteps <= 6 and 2 <= n_windows <= 4 and 2 <= batch_size <= 4):
        raise ValueError("Draw 2-6 timesteps, 2-4 windows and 2-4 batch rows: more does not fit the picture.")
    figure = go.Figure()
    _window_panel(figure, timesteps)
    _stream_panel(figure, timesteps, n_windows)
    _batch_panel(figure, n_windows, batch_size)
    figure.update_xaxes(visible=False, range=[-0.5, 10.0], fixedrange=True)
    figure.update_yaxes(visible=False, range=[-0.2, 11.1], fixedrange=True)
    return figure.update_layout(
        font=FONT,
        height=560,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=False,
    )


def _window_panel(figure: go.Figure, timesteps: int) -> None:
    """Section 1: the same LSTM cell reads a window step by step, handing h and c to the next step."""
    _heading(figure, 10.7, f"1. One window: {timesteps} steps")
    step = 8.4 / timesteps
    width = min(1.2, 0.72 * step)
    for t in range(timesteps):
        x = 0.9 + t * step
        _box(figure, x, 9.6, "LSTM", "#ffffff", width)
        _box(figure, x, 8.5, f"step {t + 1}", STREAM_PALETTE[0], width)
        _arrow(figure, (x, 8.75), (x, 9.35))
        start = x - step + width / 2 if t else -0.4
        _arrow(figure, (start, 9.6), (x - width / 2, 9.6), "h, c" if t == 0 else "")
    _arrow(figure, (0.9 + (timesteps - 1) * step + width / 2, 9.6), (9.9, 9.6))
    label_font = {"size": 13, "color": NEUTRAL_COLOR}
    figure.add_annotation(
        x=9.9, y=9.6, yshift=12, xanchor="right", text="h, c", showarrow=False, font=label_font
    )


def _stream_panel(figure: go.Figure, timesteps: int, n_windows: int) -> None:
    """Section 2: one stream cut into consecutive windows; the arrows carry the state between them."""
    _heading(figure, 7.3, f"2. One stream: {n_windows} windows in a row")
    width = 10.0 / n_windows
    for window in range(n_windows):
        left = window * width - 0.2
        for t in range(timesteps):
            x = left + (t + 0.5) * (width - 0.8) / timesteps
            box = {"x0": x - 0.12, "x1": x + 0.12, "y0": 5.6, "y1": 6.0}
            figure.add_shape(type="rect", fillcolor=STREAM_PALETTE[0], line={"width": 0}, **box)
        figure.add_annotation(x=left + (width - 0.8) / 2, y=6.5, text=f"window {window + 1}", showarrow=False)
        if window:
            _arrow(figure, (left - 0.7, 5.8), (left - 0.1, 5.8))


def _batch_panel(figure: go.Figure, n_windows: int, batch_size: int) -> None:
    """Section 3: streams side by side as batch rows; batch k holds window k of every stream."""
    _heading(figure, 4.5, f"3. Batches: {batch_size} streams, one per row")
    width = 10.0 / n_windows
    for window in range(n_windows):
        x = window * width + width / 2 - 0.4
        figure.add_annotation(x=x, y=3.8, text=f"batch {window + 1}", showarrow=False)
        for row in range(batch_size):
            y = 3.1 - row * 1.0
            color = STREAM_PALETTE[row % len(STREAM_PALETTE)]
            _box(figure, x, y, f"s{row + 1} w{window + 1}", color, width=min(2.0, width - 1.0))
            if window:
                box_half = min(2.0, width - 1.0) / 2
                _arrow(figure, (x - width + box_half, y), (x - box_half, y))
