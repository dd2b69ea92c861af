"""How lesson 1's demos and checks are drawn: the words as a picture; one state per batch row."""

import streamlit as st

from statelab.charts.lesson_figures import plot_lstm_words, plot_row_change
from ui.live_results import captured_caption, render_figure


def words() -> None:
    """The picture of the words: an LSTM unrolled over a window, a stream's windows, streams as batch rows."""
    render_figure(plot_lstm_words())
    st.caption(
        "An arrow carries the state *h, c* forward. In the batches, *s2 w3* is window 3 of stream 2; the "
        "layout diagrams of the next lessons count from 0, so there the first window of the first stream "
        "is *s0 w0*."
    )


def state_per_row(values: list) -> None:
    """The shape of the state and which rows move when only row 0's input changes."""
    value = values[0]
    shapes = " and ".join(f"`{shape}`" for shape in value["state_shapes"])
    st.markdown(
        f"`layer.states` holds *h* and *c*, of shapes {shapes}: one row of `units` numbers per batch row."
    )
    render_figure(plot_row_change(value["row_change"]))
    captured_caption()


PARTS = {"words": words, "state_per_row": state_per_row}
