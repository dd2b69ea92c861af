"""Stateful LSTM Lab: page config and navigation. Imports no TensorFlow, so every page opens at once."""

import streamlit as st

st.set_page_config(page_title="Stateful LSTM Lab", page_icon=":material/sync:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/lab.py", title="Lab", icon=":material/science:", url_path="lab"),
]
st.navigation(pages).run()
