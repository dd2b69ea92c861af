"""Charts of lesson 13 (the other recurrent layers): pure functions, numbers in, Plotly figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from statelab.charts import BROKEN_COLOR, NEUTRAL_COLOR, STATEFUL_COLOR, style
from statelab.config import LAYERS
from statelab.layer_claims import OUTCOMES

MARKERS = {  # outcome -> (symbol, colour): a shape as well as a colour, for colour-blind readers
    "kept": ("circle", STATEFUL_COLOR),
    "collapsed": ("x-thin-open", BROKEN_COLOR),
    "other": ("diamond-open", NEUTRAL_COLOR),
}
SEED_SPACING = 0.075  # x distance between the seeds of one cell, in stream-length columns


def plot_carry(table: dict[str, dict[int, dict[int, str]]], timesteps: int = 10) -> go.Figure:
    """One mark per seed: did each layer keep the cue in every window, for each stream length?

    `table` is layer -> windows per stream -> seed -> outcome, as `statelab.layer_claims.carry_table`
    gives it; a layer or stream length without runs is left out.
    """
    layers = [layer for layer in LAYERS if table.get(layer)]
    lengths = sorted({length for layer in layers for length in table[layer]})
    if not lengths:
        raise ValueError(
            "plot_carry() needs at least one run: a table of layer -> windows -> seed -> outcome."
        )
    figure = go.Figure()
    for outcome, (symbol, color) in MARKERS.items():
        x, y, hover = [], [], []
        for layer in layers:
            for column, length in enumerate(lengths):
                seeds = table[layer].get(length, {})
                for index, (seed, shown) in enumerate(sorted(seeds.items())):
                    if shown == outcome:
                        x.append(column + (index - (len(seeds) - 1) / 2) * SEED_SPACING)
                        y.append(LAYERS[layer])
                        hover.append(f"{LAYERS[layer]}, {length} windows, seed {seed}: {OUTCOMES[outcome]}")
        if x:
            marker = {"symbol": symbol, "color": color, "size": 11, "line": {"width": 2, "color": color}}
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="markers",
                    name=OUTCOMES[outcome],
                    marker=marker,
                    hovertext=hover,
                    hoverinfo="text",
                )
            )
    for layer in layers:
        for column, length in enumerate(lengths):
            seeds = table[layer].get(length, {})
            if seeds:
                kept = sum(outcome == "kept" for outcome in seeds.values())
                figure.add_annotation(
                    x=column, y=LAYERS[layer], yshift=20, text=f"{kept} of {len(seeds)}", showarrow=False
                )
    ticks = [f"{length} windows<br>({length * timesteps} steps)" for length in lengths]
    figure.update_xaxes(tickvals=list(range(len(lengths))), ticktext=ticks, range=[-0.5, len(lengths) - 0.5])
    figure.update_yaxes(categoryorder="array", categoryarray=[LAYERS[layer] for layer in reversed(layers)])
    note = "the cue task, correct setup; one mark per seed; stateful model on held-out streams"
    return style(figure, "Which layer kept the cue in every window?", "stream length", "", note, height=460)
