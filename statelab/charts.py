"""Plotly figures of results: pure functions from NumPy arrays to `go.Figure`."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Okabe-Ito colours (colour-blind safe); stateful and stateless keep these everywhere in the app.
STATEFUL_COLOR = "#0072B2"
STATELESS_COLOR = "#E69F00"
BROKEN_COLOR = "#D55E00"
NEUTRAL_COLOR = "#7F7F7F"
MODEL_COLORS = {"stateful": STATEFUL_COLOR, "stateless": STATELESS_COLOR}
FONT = {"size": 15}


def style(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """The app's common look: white template, large fonts, legend on top, room for titles."""
    figure.update_layout(
        title={"text": title, "x": 0.01},
        template="plotly_white",
        font=FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.01},
        margin={"l": 70, "r": 20, "t": 90, "b": 60},
        height=420,
    )
    figure.update_xaxes(title_text=x_title)
    figure.update_yaxes(title_text=y_title)
    return figure


def _rgba(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def add_band(figure: go.Figure, x: np.ndarray, runs: np.ndarray, name: str, color: str) -> None:
    """A mean line over runs (seeds x points), with a min-max band when there are several runs."""
    runs = np.atleast_2d(runs)
    if runs.shape[0] > 1:
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([runs.max(axis=0), runs.min(axis=0)[::-1]]),
                fill="toself",
                fillcolor=_rgba(color, 0.18),
                line={"width": 0},
                hoverinfo="skip",
                name=f"{name}: seed range",
                showlegend=True,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=runs.mean(axis=0),
            mode="lines+markers",
            name=name if runs.shape[0] == 1 else f"{name} (mean of {runs.shape[0]} seeds)",
            line={"color": color, "width": 3},
            marker={"size": 8},
        )
    )


def plot_loss(stateful: np.ndarray, stateless: np.ndarray) -> go.Figure:
    """Training loss per epoch for both models; arrays are (epochs,) or (seeds, epochs)."""
    figure = go.Figure()
    epochs = np.arange(1, np.atleast_2d(stateful).shape[1] + 1)
    add_band(figure, epochs, stateful, "stateful", STATEFUL_COLOR)
    add_band(figure, epochs, stateless, "stateless", STATELESS_COLOR)
    style(figure, "Training loss per epoch", "epoch", "mean training loss")
    figure.update_xaxes(dtick=1 if epochs.size <= 20 else None)
    return figure


def plot_by_window(stateful: np.ndarray, stateless: np.ndarray, metric: str, chance: float) -> go.Figure:
    """Held-out accuracy (or error) at each window position of a stream: the signature plot."""
    if metric not in ("accuracy", "error"):
        raise ValueError(f"metric must be 'accuracy' or 'error', not {metric!r}.")
    figure = go.Figure()
    windows = np.arange(1, np.atleast_2d(stateful).shape[1] + 1)
    scale = 100.0 if metric == "accuracy" else 1.0
    add_band(figure, windows, np.asarray(stateful) * scale, "stateful", STATEFUL_COLOR)
    add_band(figure, windows, np.asarray(stateless) * scale, "stateless", STATELESS_COLOR)
    label = "constant guess" if metric == "accuracy" else "predicting the mean"
    figure.add_hline(
        y=chance * scale,
        line={"dash": "dot", "color": NEUTRAL_COLOR},
        annotation_text=f"{label}: {chance * scale:.0f} %"
        if metric == "accuracy"
        else f"{label}: {chance:.3f}",
        annotation_position="bottom right",
    )
    if metric == "accuracy":
        style(
            figure, "Held-out accuracy by window position", "window of the stream (1 = first)", "accuracy (%)"
        )
        figure.update_yaxes(range=[0, 105])
    else:
        style(
            figure,
            "Held-out error by window position",
            "window of the stream (1 = first)",
            "mean squared error",
        )
        figure.update_yaxes(rangemode="tozero")
    figure.update_xaxes(dtick=1 if windows.size <= 20 else None)
    return figure


def plot_predictions(
    stateful: np.ndarray, stateless: np.ndarray, targets: np.ndarray, kind: str, streams: int = 3
) -> go.Figure:
    """Predictions against the truth for the first held-out streams, window by window (or step by step)."""
    figure = go.Figure()
    streams = min(streams, targets.shape[0])
    points = targets[0].size
    centres = []
    for stream in range(streams):
        x = np.arange(points) + stream * (points + 3)
        centres.append(x.mean())
        lines = {
            "truth": ("black", targets),
            "stateful": (STATEFUL_COLOR, stateful),
            "stateless": (STATELESS_COLOR, stateless),
        }
        for name, (color, values) in lines.items():
            shape = "hv" if name == "truth" and kind != "regression" else "linear"
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=values[stream].ravel(),
                    mode="lines+markers",
                    name=name,
                    showlegend=stream == 0,
                    legendgroup=name,
                    line={"color": color, "width": 2, "shape": shape},
                    marker={"size": 6},
                )
            )
    unit = "step" if kind == "regression" else "window"
    y_title = {"binary": "P(label = 1)", "multiclass": "class", "regression": "value (standardised)"}[kind]
    title = f"Predictions against the truth, {streams} held-out streams"
    style(figure, title, f"held-out stream (one point per {unit}, in order)", y_title)
    figure.update_xaxes(tickvals=centres, ticktext=[f"stream {stream + 1}" for stream in range(streams)])
    return figure


def plot_compare_runs(runs: dict[str, np.ndarray], metric: str) -> go.Figure:
    """By-window curves of several runs (label -> stateful by-window), for the run history."""
    figure = go.Figure()
    dashes = ["solid", "dash", "dot", "dashdot"]
    scale = 100.0 if metric == "accuracy" else 1.0
    for index, (label, values) in enumerate(runs.items()):
        windows = np.arange(1, len(values) + 1)
        figure.add_trace(
            go.Scatter(
                x=windows,
                y=np.asarray(values) * scale,
                mode="lines+markers",
                name=label,
                line={"dash": dashes[index % len(dashes)], "width": 3},
            )
        )
    y_title = "accuracy (%)" if metric == "accuracy" else "mean squared error"
    return style(figure, "Runs compared, by window position", "window of the stream (1 = first)", y_title)


def plot_window_step(
    inputs: np.ndarray, h_steps: np.ndarray, incoming_h: np.ndarray, title: str
) -> go.Figure:
    """One batch row through one window: its inputs, and ‖h‖ from the state in to the state out."""
    steps = np.arange(inputs.shape[0])
    norms = np.linalg.norm(h_steps, axis=-1)
    figure = go.Figure()
    figure.add_trace(
        go.Bar(x=steps, y=inputs[:, 0], name="input x(t)", marker_color=NEUTRAL_COLOR, opacity=0.6)
    )
    figure.add_trace(
        go.Scatter(
            x=np.concatenate([[-1], steps]),
            y=np.concatenate([[np.linalg.norm(incoming_h)], norms]),
            mode="lines+markers",
            name="‖h‖ (step -1: state going in)",
            line={"color": STATEFUL_COLOR, "width": 3},
            yaxis="y2",
        )
    )
    style(figure, title, "step inside the window (-1 = carried in)", "input value")
    figure.update_layout(yaxis2={"title": "‖h‖", "overlaying": "y", "side": "right", "rangemode": "tozero"})
    return figure
