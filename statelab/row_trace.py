"""One batch row through the last training epoch: the state it carries into each batch, right or wrong."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from statelab.charts import BROKEN_COLOR, NEUTRAL_COLOR, STATEFUL_COLOR, style
from statelab.continuity_charts import RESET_COLOR, incoming_text
from statelab.layout import BatchLayout


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
