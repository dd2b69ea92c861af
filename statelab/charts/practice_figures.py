"""Charts of the practitioner's lessons (9-11): pure functions, NumPy in, Plotly figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from statelab.charts.lab import (
    BROKEN_COLOR,
    HALF_WIDTH,
    NEUTRAL_COLOR,
    STATEFUL_COLOR,
    STATELESS_COLOR,
    add_band,
    seed_note,
    style,
)


def steps_read(length: int, timesteps: int, stride: int) -> np.ndarray:
    """How many times a stateful layer reads each step of a stream fed as windows `stride` steps apart."""
    if not 1 <= stride <= timesteps <= length:
        raise ValueError(f"Need 1 <= stride ({stride}) <= timesteps ({timesteps}) <= length ({length}).")
    counts = np.zeros(length, dtype=int)
    for start in range(0, length - timesteps + 1, stride):
        counts[start : start + timesteps] += 1
    return counts


def plot_steps_read(length: int, timesteps: int) -> go.Figure:
    """Reads per step of one stream: consecutive windows against sliding windows (stride 1)."""
    steps = np.arange(length)
    figure = go.Figure()
    for name, stride, color in (("consecutive", timesteps, STATEFUL_COLOR), ("sliding", 1, BROKEN_COLOR)):
        figure.add_trace(
            go.Bar(x=steps, y=steps_read(length, timesteps, stride), name=name, marker_color=color)
        )
    figure.update_layout(barmode="group")
    note = f"a stream of {length} steps, windows of {timesteps}; every read moves the carried state"
    return style(figure, "How often the carried state reads each step", "step of the stream", "reads", note)


def plot_forecast(
    values: np.ndarray,
    origin: int,
    warm_up: int,
    forecasts: np.ndarray,
    truth: np.ndarray,
    title: str,
    seasonal: np.ndarray | None = None,
) -> go.Figure:
    """The warm-up history, the held-out truth, the forecasts (mean and range over seeds), persistence and,
    where the series has a season, the seasonal naive forecast."""
    horizon = truth.size
    ahead = np.arange(origin, origin + horizon)
    figure = go.Figure()
    history = np.arange(origin - warm_up, origin)
    figure.add_trace(go.Scatter(x=history, y=values[history], name="warm-up", line={"color": NEUTRAL_COLOR}))
    figure.add_trace(go.Scatter(x=ahead, y=truth, name="truth", line={"color": "#000000", "width": 3}))
    add_band(figure, ahead, np.atleast_2d(forecasts), "forecast", STATEFUL_COLOR)
    figure.add_trace(
        go.Scatter(
            x=ahead,
            y=np.full(horizon, values[origin - 1]),
            name="persistence",
            line={"color": STATELESS_COLOR, "dash": "dash", "width": 3},
        )
    )
    if seasonal is not None:
        figure.add_trace(
            go.Scatter(
                x=ahead,
                y=seasonal,
                name="seasonal naive",
                line={"color": BROKEN_COLOR, "dash": "dot", "width": 3},
            )
        )
    note = seed_note(len(np.atleast_2d(forecasts)))
    style(figure, title, "step of the series", "standardized value", note, note_width=HALF_WIDTH)
    # five entries: below the axis, where Plotly makes room for as many rows as a narrow screen needs
    return figure.update_layout(legend={"y": -0.32, "yanchor": "top"})


def plot_layer_states(layers: list[str], after_one: list[float], after_all: list[float]) -> go.Figure:
    """‖h‖ of each stateful layer after resetting one of them, and after resetting all of them."""
    figure = go.Figure()
    figure.add_trace(
        go.Bar(x=layers, y=after_one, name="after resetting one layer", marker_color=BROKEN_COLOR)
    )
    figure.add_trace(
        go.Bar(x=layers, y=after_all, name="after resetting every layer", marker_color=STATEFUL_COLOR)
    )
    figure.update_layout(barmode="group")
    return style(figure, "The state left in each layer", "stateful layer", "‖h‖ (0: reset)")
