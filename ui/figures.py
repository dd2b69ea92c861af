"""Plotly figures on a page: every chart of the app drawn one way."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

CHART_CONFIG = {"displaylogo": False}


def render_figure(figure: go.Figure, container=st) -> None:
    """A Plotly figure at the full width of `container` (the page by default)."""
    container.plotly_chart(figure, width="stretch", config=CHART_CONFIG)
