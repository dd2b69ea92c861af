"""What the app adds to Streamlit's look, on every page: CSS for what the theme options cannot reach."""

import streamlit as st

# Streamlit colours code comments (and punctuation) with a fixed grey, #808495, which is 3.6:1 on the
# code background: WCAG AA asks 4.5:1. This grey is 5.8:1 on it (5.3:1 on the sidebar's grey).
# Captions get their contrast from the theme's textColor instead (.streamlit/config.toml).
ACCESSIBLE_CSS = """<style>
.stCode .token.comment, .stCode .token.prolog, .stCode .token.doctype, .stCode .token.cdata,
.stCode .token.punctuation {color: #60636f;}
</style>"""


def render_theme_css() -> None:
    """Add the app's CSS to the page (a style element only: it takes no room)."""
    st.html(ACCESSIBLE_CSS)
