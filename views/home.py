"""Home: what the app is and where to start."""

from pathlib import Path

import streamlit as st

st.markdown((Path(__file__).parents[1] / "lessons" / "home.md").read_text())
