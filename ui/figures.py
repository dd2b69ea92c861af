"""Plotly figures on a page: every chart of the app drawn one way, with its text alternative."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from statelab.charts.class_answers import for_projector
from statelab.charts.text import figure_rows, figure_text

PROJECTOR_PARAM = "projector"  # the class page's projector mode, kept in its address
CHART_CONFIG = {"displaylogo": False}


def render_figure(figure: go.Figure, container=st, table: bool = False, key: str | None = None) -> None:
    """A Plotly figure at the full width of `container` (the page by default), described in words for a
    screen reader; with `table`, its numbers too, one click away. A page in projector mode enlarges it."""
    if st.query_params.get(PROJECTOR_PARAM) == "true":
        figure = for_projector(figure)
    container.plotly_chart(figure, width="stretch", config=CHART_CONFIG, alt=figure_text(figure), key=key)
    rows = figure_rows(figure) if table else []
    if rows:
        with container.expander("The chart's numbers", icon=":material/table:"):
            st.table(rows, hide_index=True)
