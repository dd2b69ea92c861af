"""Plotly figures of results, and the look all the app's charts share: NumPy in, `go.Figure` out."""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go

from statelab.charts.lines import NEUTRAL_COLOR, add_baseline, error_axis_top

# Okabe-Ito colours (colour-blind safe); stateful and stateless keep these everywhere in the app.
STATEFUL_COLOR = "#0072B2"
STATELESS_COLOR = "#E69F00"
BROKEN_COLOR = "#D55E00"
LINE_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
FONT = {"size": 15}
SUBTITLE_WIDTH = 62  # characters per subtitle line: fits a chart in the Lab's results column at 1366 px
HALF_WIDTH = 40  # characters per subtitle line of a chart that shares its row with another
TITLE_WIDTH = 36  # characters per title line: a title fits a chart on a phone (390 px, ~330 px of plot)
SUBTITLE_LINE = 20  # pixels each subtitle line adds above the plot
PHONE_LEGEND = 280  # pixels a legend row has on a phone (about 260 held "truth stateful stateless")
METRICS = ("accuracy", "error")
WINDOW_AXIS = "window of the stream (1 = first)"
HELD_OUT = "held-out streams, never trained on"
STANDARDISED_ERROR = "mean squared error (standardised)"


def format_score(value: float, metric: str) -> str:
    """A score as the app shows it: accuracy in whole percent ("97 %"), error as a plain number ("0.034")."""
    _check_metric(metric)
    return f"{value * 100:.0f} %" if metric == "accuracy" else f"{value:.3f}"


def subtitle(text: str, width: int = SUBTITLE_WIDTH) -> str:
    """Title lines under a chart title, broken at "; " where they can be: Plotly never wraps a title."""
    lines: list[str] = []
    for clause in text.split("; ") if text else []:
        if lines and len(lines[-1]) + 2 + len(clause) <= width:
            lines[-1] += "; " + clause
        else:
            lines.extend(textwrap.wrap(clause, width))
    return "".join(f"<br><span style='font-size:15px'>{line}</span>" for line in lines)


def style(
    figure: go.Figure,
    title: str,
    x_title: str,
    y_title: str,
    note: str = "",
    height: int = 420,
    note_width: int = SUBTITLE_WIDTH,
) -> go.Figure:
    """The app's common look: white template, large fonts, title, its `note` lines and the legend on top.

    The title wraps at TITLE_WIDTH characters and the note at `note_width`; the first of these extra
    lines fits in the room kept for it, and every further line makes the figure taller.
    """
    text = "<br>".join(textwrap.wrap(title, TITLE_WIDTH)) + subtitle(note, note_width)
    lines = text.count("<br>") + legend_rows(figure) - 1  # legend rows grow upwards, into the title's room
    height += SUBTITLE_LINE * max(0, lines - 1)
    figure.update_traces(cliponaxis=False, selector={"type": "scatter", "mode": "markers"})
    figure.update_layout(
        title={"text": text, "font": {"size": 18}, "x": 0.01, "xanchor": "left", "y": 1 - 16 / height},
        font=FONT,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": FONT},
        margin={"l": 70, "r": 20, "t": 90 + SUBTITLE_LINE * lines, "b": 60},
        height=height,
    )
    figure.update_xaxes(title_text=x_title)
    figure.update_yaxes(title_text=y_title)
    return figure


def legend_rows(figure: go.Figure) -> int:
    """How many rows the legend takes on a phone (at least 1): entries wrap, and each costs its text and
    its line sample (about 7 px a character and 40 px)."""
    names = [trace.name for trace in figure.data if trace.name and trace.showlegend is not False]
    rows, used = 1, 0
    for name in dict.fromkeys(names):
        width = 40 + 7 * len(name)
        if used and used + width > PHONE_LEGEND:
            rows, used = rows + 1, 0
        used += width
    return rows


def rgba(color: str, alpha: float) -> str:
    """A "#RRGGBB" colour as a CSS rgba() string with this opacity."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def seed_note(n_seeds: int) -> str:
    """The subtitle that says how a chart shows several seeds ("" for one)."""
    return f"mean of {n_seeds} seeds (shaded: seed range)" if n_seeds > 1 else ""


def add_band(
    figure: go.Figure, x: np.ndarray, runs: np.ndarray, name: str, color: str, dash: str = "solid"
) -> None:
    """A mean line over runs (seeds x points), with an unlabelled min-max band when there are several runs."""
    runs = np.atleast_2d(runs)
    if runs.shape[0] > 1:
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([runs.max(axis=0), runs.min(axis=0)[::-1]]),
                mode="lines",
                fill="toself",
                fillcolor=rgba(color, 0.18),
                line={"width": 0, "color": color},
                hoverinfo="skip",
                name=f"{name}: seed range",
                showlegend=False,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=runs.mean(axis=0),
            mode="lines+markers",
            name=name,
            line={"color": color, "width": 3, "dash": dash},
            marker={"size": 8},
        )
    )


def plot_loss(stateful: np.ndarray, stateless: np.ndarray) -> go.Figure:
    """Training loss per epoch for both models; arrays are (epochs,) or (seeds, epochs)."""
    figure = go.Figure()
    epochs = np.arange(1, np.atleast_2d(stateful).shape[1] + 1)
    add_band(figure, epochs, stateful, "stateful", STATEFUL_COLOR)
    add_band(figure, epochs, stateless, "stateless", STATELESS_COLOR)
    note = "; ".join(
        part for part in ("on the training streams", seed_note(len(np.atleast_2d(stateful)))) if part
    )
    style(figure, "Training loss per epoch", "epoch", "mean training loss", note, note_width=HALF_WIDTH)
    figure.update_xaxes(dtick=1 if epochs.size <= 20 else None)
    return figure


def plot_by_window(
    stateful: np.ndarray,
    stateless: np.ndarray,
    metric: str,
    chance: float,
    forecast_baselines: dict[str, float] | None = None,
) -> go.Figure:
    """Held-out accuracy (or error) at each window position of a stream: the signature plot.

    Arrays are (windows,) or (seeds, windows); several seeds draw the mean and the seed range. A forecast
    also draws its baselines (name -> error: persistence, the seasonal naive forecast), and its errors are
    on the series standardised by its training part.
    """
    _check_metric(metric)
    title = f"{metric.capitalize()} by window position"
    runs = {"stateful": stateful, "stateless": stateless}
    colors = [STATEFUL_COLOR, STATELESS_COLOR]
    figure = plot_runs_by_window(
        runs, metric, chance, title, colors, None, HELD_OUT, HALF_WIDTH, forecast_baselines
    )
    if forecast_baselines:
        figure.update_yaxes(title_text=STANDARDISED_ERROR)
    return figure


def plot_runs_by_window(
    runs: dict[str, np.ndarray],
    metric: str,
    chance: float | None,
    title: str,
    colors: list[str] | None = None,
    dashes: list[str] | None = None,
    note: str = "",
    note_width: int = SUBTITLE_WIDTH,
    forecast_baselines: dict[str, float] | None = None,
) -> go.Figure:
    """By-window curves of several runs (label -> (windows,) or (seeds, windows)), seed ranges as bands.

    `chance` draws the constant-guess line (None: no line), `forecast_baselines` a forecast's baseline
    errors by name (persistence, seasonal naive); `note` adds subtitle lines.
    """
    _check_metric(metric)
    colors = colors or [LINE_PALETTE[index % len(LINE_PALETTE)] for index in range(len(runs))]
    dashes = dashes or ["solid"] * len(runs)
    if not len(colors) == len(dashes) == len(runs):
        raise ValueError(
            f"Give one colour and one dash per run: {len(runs)} runs, {len(colors)} colours, "
            f"{len(dashes)} dashes."
        )
    figure = go.Figure()
    scale = 100.0 if metric == "accuracy" else 1.0
    for (label, values), color, dash in zip(runs.items(), colors, dashes, strict=True):
        values = np.atleast_2d(values) * scale
        add_band(figure, np.arange(1, values.shape[1] + 1), values, label, color, dash)
    baselines = {"constant guess" if metric == "accuracy" else "predicting the mean": chance}
    baselines = {
        label: value
        for label, value in {**baselines, **(forecast_baselines or {})}.items()
        if value is not None
    }
    top = 105.0 if metric == "accuracy" else error_axis_top(runs, baselines)
    for index, (label, value) in enumerate(baselines.items()):
        add_baseline(figure, f"{label}: {format_score(value, metric)}", value * scale, top, index)
    seeds = max(np.atleast_2d(values).shape[0] for values in runs.values())
    note = "; ".join(part for part in (note, seed_note(seeds)) if part)
    y_title = "accuracy (%)" if metric == "accuracy" else "mean squared error"
    style(figure, title, WINDOW_AXIS, y_title, note, note_width=note_width)
    figure.update_yaxes(range=[0, top])
    windows = max(np.atleast_2d(values).shape[1] for values in runs.values())
    return figure.update_xaxes(dtick=1 if windows <= 20 else None)


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
    note = f"the first {streams} held-out streams"
    style(
        figure,
        "Predictions against the truth",
        f"held-out stream (one point per {unit}, in order)",
        y_title,
        note,
    )
    figure.update_xaxes(tickvals=centres, ticktext=[f"stream {stream + 1}" for stream in range(streams)])
    return figure


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


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"metric must be 'accuracy' or 'error', not {metric!r}.")
