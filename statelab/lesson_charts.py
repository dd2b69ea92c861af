"""Figures for the lessons' live demos: pure functions from plain values (NumPy, lists) to `go.Figure`."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from statelab.charts import NEUTRAL_COLOR, STATEFUL_COLOR, STATELESS_COLOR, add_band, style
from statelab.continuity_charts import LINE_PALETTE, plot_layout
from statelab.layout import BatchLayout, continuity


def fit_order_layout(order: np.ndarray) -> BatchLayout:
    """The layout of one epoch from the sample ids fit fed, (batches, rows), samples in stateful order.

    Sample j of a stateful layout is window j // rows of stream j % rows; the state starts at zero.
    """
    order = np.asarray(order)
    if order.ndim != 2 or sorted(order.ravel().tolist()) != list(range(order.size)):
        raise ValueError("order must be (batches, rows) holding every sample id 0 .. n-1 exactly once.")
    rows = order.shape[1]
    stream, window = order % rows, order // rows
    resets = np.zeros(order.shape[0], dtype=bool)
    resets[0] = True
    continues = continuity(stream, window, resets)
    return BatchLayout(stream[None], window[None], resets[None], continues[None])


def plot_fit_order(order: np.ndarray, shuffle_text: str) -> go.Figure:
    """What fit(shuffle=...) really fed the LSTM: the batch layout diagram of the captured sample order."""
    layout = fit_order_layout(order)
    figure = plot_layout(layout)
    subtitle = (
        f"rows whose state is their own stream's previous window (or fresh): {layout.continuity_score:.0%}"
    )
    heading = f"What fit(shuffle={shuffle_text}) fed the LSTM"
    figure.update_layout(title={"text": f"{heading}<br><span style='font-size:15px'>{subtitle}</span>"})
    return figure


def plot_runs_by_window(
    runs: dict[str, np.ndarray], metric: str, chance: float, title: str, colors: list[str] | None = None
) -> go.Figure:
    """By-window curves of several runs (label -> (seeds, windows)), each with its seed range as a band."""
    if metric not in ("accuracy", "error"):
        raise ValueError(f"metric must be 'accuracy' or 'error', not {metric!r}.")
    colors = colors or [LINE_PALETTE[index % len(LINE_PALETTE)] for index in range(len(runs))]
    if len(colors) != len(runs):
        raise ValueError(f"Give one colour per run: {len(runs)} runs, {len(colors)} colours.")
    figure = go.Figure()
    scale = 100.0 if metric == "accuracy" else 1.0
    for (label, values), color in zip(runs.items(), colors, strict=True):
        values = np.atleast_2d(values) * scale
        add_band(figure, np.arange(1, values.shape[1] + 1), values, label, color)
    guess = (
        f"constant guess: {chance * 100:.0f} %"
        if metric == "accuracy"
        else f"predicting the mean: {chance:.3f}"
    )
    figure.add_hline(
        y=chance * scale,
        line={"dash": "dot", "color": NEUTRAL_COLOR},
        annotation_text=guess,
        annotation_position="bottom right",
    )
    seeds = max(np.atleast_2d(values).shape[0] for values in runs.values())
    if seeds > 1:  # bands: no markers, no legend entries; lines named by their run only
        figure.update_traces(mode="lines", showlegend=False, selector={"fill": "toself"})
        for trace in figure.data:
            trace.name = trace.name.split(" (mean of")[0]
        note = f"lines: mean of {seeds} seeds; shading: lowest to highest seed"
        title += f"<br><span style='font-size:14px'>{note}</span>"
    y_title = "accuracy (%)" if metric == "accuracy" else "mean squared error"
    style(figure, title, "window of the stream (1 = first)", y_title)
    figure.update_layout(margin={"t": 120}, height=460)
    if metric == "accuracy":
        figure.update_yaxes(range=[0, 105])
    return figure.update_xaxes(dtick=1)


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
