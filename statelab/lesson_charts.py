"""Figures for the lessons' live demos: pure functions from plain values (NumPy, lists) to `go.Figure`."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from statelab.charts import NEUTRAL_COLOR, STATEFUL_COLOR, STATELESS_COLOR, style
from statelab.continuity_charts import plot_layout
from statelab.layout import fit_order_layout


def plot_fit_order(order: np.ndarray, shuffle_text: str) -> go.Figure:
    """What fit(shuffle=...) really fed the LSTM: the batch layout diagram of the captured sample order."""
    return plot_layout(fit_order_layout(order), title=f"What fit(shuffle={shuffle_text}) fed the LSTM")


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
