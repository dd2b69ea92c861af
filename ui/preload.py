"""Imported by app.py before any page runs: loads in full the modules Plotly only looks up.

Plotly's validators look pandas (and numpy, PIL) up in `sys.modules` without importing them. On a
fresh server with many sessions starting at once, one session's first `import pandas` (Streamlit's
`st.dataframe` does one) can be half done while another session builds a figure; Plotly then finds
the partially initialized pandas: "AttributeError: partially initialized module 'pandas' has no
attribute 'Series'". Python runs a module's body once and makes every other thread that imports it
wait until it is done, so the first session to get here loads them all, and every other session
waits for that before it can build a figure. Building one figure also loads the validators Plotly
imports lazily.
"""

import numpy  # noqa: F401
import pandas  # noqa: F401
import PIL.Image  # noqa: F401
import plotly.graph_objects as go
import plotly.io

plotly.io.to_json(go.Figure(go.Scatter(x=[0.0], y=[0.0])), validate=True)
