"""Baseline lines on a chart (the constant guess, the mean, persistence): labels the curves cannot hide, and
an error axis that a far higher baseline does not stretch."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

NEUTRAL_COLOR = "#7F7F7F"
LABEL = {"bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 14, "color": "#444444"}}


def error_axis_top(runs: dict[str, np.ndarray], baselines: dict[str, float]) -> float:
    """The top of an error axis: room for every curve and the lowest baseline, so that a far higher one
    (the mean of a series the models forecast well) does not squash the curves near 0."""
    highest = max(float(np.max(values)) for values in runs.values())
    return 1.15 * max([highest, min(baselines.values(), default=0.0)]) or 1.0


POSITIONS = (
    "bottom right",
    "top left",
    "bottom left",
    "top right",
)  # one per baseline: close ones stay apart


def add_baseline(figure: go.Figure, text: str, value: float, top: float, index: int = 0) -> None:
    """A dotted baseline with its label on a white ground (curves pass under it), or, above the axis's
    `top`, the label alone at the top edge with an arrow up."""
    if value <= top:
        figure.add_hline(
            y=value,
            line={"dash": "dot", "color": NEUTRAL_COLOR},
            annotation={"text": text, **LABEL},
            annotation_position=POSITIONS[index % len(POSITIONS)],
        )
        return
    figure.add_annotation(
        text=f"↑ {text} (above the chart)",
        x=1,
        xref="paper",
        xanchor="right",
        y=top,
        yanchor="top",
        showarrow=False,
        **LABEL,
    )
