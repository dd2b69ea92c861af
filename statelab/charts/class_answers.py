"""Class mode's pictures: the answers as bars (pure: counts in, Plotly figure out), the join QR code."""

from __future__ import annotations

import io
import re
import textwrap

import plotly.graph_objects as go
import segno
from plotly.subplots import make_subplots

from statelab.charts.lab import NEUTRAL_COLOR, STATEFUL_COLOR

POLL_TITLES = {1: "First vote", 2: "After discussion"}
POLL_COLORS = {1: NEUTRAL_COLOR, 2: STATEFUL_COLOR}
OUTCOME_MARK = "✓ "  # before the option the experiment showed, once revealed
TEXT_COLOR = "#12100e"  # the app's text colour (.streamlit/config.toml): labels readable from the back row


def option_label(label: str, outcome: bool, width: int = 34) -> str:
    """An option's label for the chart's axis: wrapped onto short lines, marked when it is the outcome."""
    text = (OUTCOME_MARK if outcome else "") + label
    return "<br>".join(textwrap.wrap(text, width)) or text


def plot_answers(
    options: dict[str, str],
    counts: dict[int, dict[str, int]],
    outcome: str | None = None,
    large: bool = False,
) -> go.Figure:
    """The class's answers per option, one panel per poll (before and after discussion).

    `counts` maps each poll (1, 2) to option key -> number of answers; `outcome` is the option the
    experiment showed, marked once revealed. `large` sets fonts for a projector, where the panels
    stand side by side; elsewhere one is under the other, so each keeps the full width (side by side,
    their titles and labels overlapped on a phone).
    """
    unknown = {key for poll in counts.values() for key in poll} - set(options)
    if unknown:
        raise ValueError(
            f"Counts for options that do not exist: {sorted(unknown)}; options: {list(options)}."
        )
    polls = sorted(counts) or [1]
    places = (
        [(1, column) for column in range(1, len(polls) + 1)]
        if large
        else [(row, 1) for row in range(1, len(polls) + 1)]
    )
    figure = make_subplots(
        rows=places[-1][0],
        cols=places[-1][1],
        shared_yaxes=large,
        shared_xaxes=not large,
        subplot_titles=[POLL_TITLES.get(poll, f"Vote {poll}") for poll in polls],
        horizontal_spacing=0.06,
        vertical_spacing=0.12,
    )
    keys = list(options)[::-1]  # the first option at the top
    labels = [option_label(options[key], key == outcome) for key in keys]
    for (row, column), poll in zip(places, polls, strict=True):
        values = [counts.get(poll, {}).get(key, 0) for key in keys]
        total = sum(values)
        figure.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=POLL_TITLES.get(poll, f"Vote {poll}"),
                marker={
                    "color": POLL_COLORS.get(poll, STATEFUL_COLOR),
                    "line": {
                        "color": ["#000000" if key == outcome else "rgba(0,0,0,0)" for key in keys],
                        "width": 3,
                    },
                },
                text=[f"{value} ({value / total:.0%})" if total else "0" for value in values],
                textposition="outside",
                textfont={"color": TEXT_COLOR},
                cliponaxis=False,
                hoverinfo="skip",
                showlegend=False,
            ),
            row=row,
            col=column,
        )
    most = max([1, *(count for poll in counts.values() for count in poll.values())])
    size = 26 if large else 15
    room = 1.7 if large else 1.35  # beside the longest bar, its "12 (40%)" in the chart's font
    figure.update_xaxes(range=[0, most * room], showticklabels=False, showgrid=False, zeroline=True)
    figure.update_yaxes(tickfont={"size": size, "color": TEXT_COLOR})
    figure.update_annotations(font={"size": size + 2, "color": TEXT_COLOR})
    figure.update_layout(
        font={"size": size, "color": TEXT_COLOR},
        margin={"l": 10, "r": 70, "t": 50, "b": 10},  # room for the longest bar's "12 (40%)" on a phone
        height=(130 * len(keys) + 80) if large else (80 * len(keys) + 60) * len(polls) + 20,
        bargap=0.3,
    )
    return figure


def for_projector(figure: go.Figure, factor: float = 1.7) -> go.Figure:
    """A chart made for a laptop, readable on a projector: every font `factor` times larger (at least 22 px
    for tick labels), axis titles in the text colour instead of light grey, and room for the larger title."""
    base = figure.layout.font.size or 12
    size = max(22, round(base * factor))
    figure.update_layout(font={"size": size, "color": TEXT_COLOR})
    figure.update_layout(title_font_size=round((figure.layout.title.font.size or base + 3) * factor))
    figure.update_layout(title_text=_scaled_spans(figure.layout.title.text or "", factor))
    axis = {
        "tickfont": {"size": size, "color": TEXT_COLOR},
        "title_font": {"size": size, "color": TEXT_COLOR},
    }
    figure.update_xaxes(**axis)
    figure.update_yaxes(**axis)
    figure.update_annotations(font_size=size)
    figure.update_layout(legend_font_size=size)
    margin = figure.layout.margin
    top, height = margin.t or 80, figure.layout.height or 450
    figure.update_layout(margin={"t": round(top * factor), "l": round((margin.l or 80) * 1.4)})
    return figure.update_layout(height=round(1.3 * height + top * (factor - 1)))  # the plot grows too


def _scaled_spans(text: str, factor: float) -> str:
    """Title text whose subtitle spans (which set their own font size) are `factor` times larger."""
    return re.sub(r"font-size:(\d+)px", lambda match: f"font-size:{round(int(match[1]) * factor)}px", text)


def qr_png(text: str, scale: int = 10) -> bytes:
    """A QR code of `text` (the join link) as PNG bytes: black on white, with the standard quiet zone."""
    if not text:
        raise ValueError("A QR code needs some text to encode (the join link).")
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
