"""Charts of lesson 13 (the other recurrent layers): pure functions, numbers in, Plotly figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from statelab.charts.lab import BROKEN_COLOR, NEUTRAL_COLOR, STATEFUL_COLOR, style
from statelab.engine.config import LAYERS

OUTCOMES = {  # a run's outcome (statelab.teaching.layer_claims.carry_outcome), in words
    "kept": "kept the cue in every window",
    "collapsed": "collapsed: one constant answer, no better than the guess",
    "other": "neither",
}
MARKERS = {  # outcome -> (legend name, symbol, colour): a shape as well as a colour, for colour-blind readers
    "kept": ("kept the cue", "circle", STATEFUL_COLOR),
    "collapsed": ("collapsed (constant answer)", "x-thin-open", BROKEN_COLOR),
    "other": ("neither", "diamond-open", NEUTRAL_COLOR),
}
PER_ROW = 5  # seeds side by side in a cell; more go on a second row, so a phone's narrow cells stay readable
SEED_STEP = (0.14, 0.22)  # distance between a cell's seeds: across (in columns) and down (in layer rows)


def seed_position(column: int, layer_row: float, index: int, count: int) -> tuple[float, float]:
    """Where seed number `index` of a cell with `count` seeds sits: rows of PER_ROW, centred in the cell."""
    rows, (row, place) = -(-count // PER_ROW), divmod(index, PER_ROW)
    across = min(count - row * PER_ROW, PER_ROW)
    x = column + (place - (across - 1) / 2) * SEED_STEP[0]
    return x, layer_row + ((rows - 1) / 2 - row) * SEED_STEP[1]


def plot_carry(table: dict[str, dict[int, dict[int, str]]], timesteps: int = 10) -> go.Figure:
    """One mark per seed: did each layer keep the cue in every window, for each stream length?

    `table` is layer -> windows per stream -> seed -> outcome, as `statelab.teaching.layer_claims.carry_table`
    gives it; a layer or stream length without runs is left out.
    """
    layers = [layer for layer in LAYERS if table.get(layer)]
    lengths = sorted({length for layer in layers for length in table[layer]})
    if not lengths:
        raise ValueError(
            "plot_carry() needs at least one run: a table of layer -> windows -> seed -> outcome."
        )
    rows = {layer: len(layers) - 1 - index for index, layer in enumerate(layers)}  # the first on top
    figure = go.Figure()
    for outcome, (name, symbol, color) in MARKERS.items():
        x, y, hover = [], [], []
        for layer in layers:
            for column, length in enumerate(lengths):
                seeds = sorted(table[layer].get(length, {}).items())
                for index, (seed, shown) in enumerate(seeds):
                    if shown == outcome:
                        x_seed, y_seed = seed_position(column, rows[layer], index, len(seeds))
                        x.append(x_seed)
                        y.append(y_seed)
                        hover.append(f"{LAYERS[layer]}, {length} windows, seed {seed}: {OUTCOMES[outcome]}")
        if x:
            marker = {"symbol": symbol, "color": color, "size": 10, "line": {"width": 2, "color": color}}
            figure.add_trace(
                go.Scatter(
                    x=x, y=y, mode="markers", name=name, marker=marker, hovertext=hover, hoverinfo="text"
                )
            )
    for layer in layers:
        for column, length in enumerate(lengths):
            seeds = table[layer].get(length, {})
            if seeds:
                kept = sum(outcome == "kept" for outcome in seeds.values())
                figure.add_annotation(
                    x=column, y=rows[layer] + 0.42, text=f"{kept} of {len(seeds)}", showarrow=False
                )
    ticks = [f"{length} windows<br>({length * timesteps} steps)" for length in lengths]
    figure.update_xaxes(tickvals=list(range(len(lengths))), ticktext=ticks, range=[-0.5, len(lengths) - 0.5])
    figure.update_yaxes(
        tickvals=list(rows.values()),
        ticktext=[LAYERS[layer] for layer in rows],
        range=[-0.5, len(layers) - 0.4],
        showgrid=False,
        zeroline=False,
    )
    note = "the cue task, correct setup; one mark per seed; stateful model on held-out streams"
    return style(figure, "Which layer kept the cue in every window?", "stream length", "", note, height=480)
