"""Plotly figures, pure: numbers in, figure out."""
