"""How lesson 3's checks are drawn: the order fit feeds under each shuffle setting; shuffling the cue task."""

import numpy as np
import streamlit as st

from statelab.charts.lab import BROKEN_COLOR, STATEFUL_COLOR, STATELESS_COLOR, plot_runs_by_window
from statelab.charts.lesson_figures import plot_fit_order
from statelab.engine.config import LabConfig
from statelab.engine.layout import epoch_orders
from statelab.teaching.lessons.lesson_03 import TRAINED
from ui.live_results import captured_caption, render_figure, stacked

LAB_SHUFFLE = LabConfig(batch_size=4, n_windows=3, n_groups=1, epochs=1, shuffle=True)
SHUFFLES = {"shuffle=False": False, "shuffle=True": True, 'shuffle="batch"': "batch"}


def show_fit_order(values: list) -> None:
    """The first epoch fit fed under each shuffle setting, the Lab's own shuffle, and whether fit repeats."""
    value = values[0]
    tabs = st.tabs([*SHUFFLES, "the Lab's shuffle"])
    for tab, (label, shuffle) in zip(tabs, SHUFFLES.items(), strict=False):
        with tab:
            render_figure(plot_fit_order(value["orders"][str(shuffle)][0], f"What fit({label}) fed the LSTM"))
    with tabs[-1]:
        lab_order = epoch_orders(LAB_SHUFFLE)[0].reshape(3, LAB_SHUFFLE.batch_size)
        render_figure(plot_fit_order(lab_order, "What the Lab's loop fed the LSTM, shuffle on"))
    seeded = value["orders"]["True"]
    repeats = "repeated epoch 1's order" if np.array_equal(seeded[0], seeded[1]) else "drew a new order"
    fresh = not np.array_equal(value["unseeded_true"][0], value["unseeded_true"][1])
    st.caption(
        f"Epoch 2 of `fit(shuffle=True)` after `keras.utils.set_random_seed(0)` {repeats}; without a global "
        f"seed it {'drew a new order' if fresh else 'repeated the order too'}."
    )
    captured_caption()


def show_shuffle(results: list) -> None:
    """Stateful accuracy by window with and without shuffling, with the unshuffled stateless model."""
    runs = stacked(results, list(TRAINED))
    curves = {f"stateful, {label}": run["stateful"] for label, run in runs.items()}
    curves["stateless, shuffle=False"] = runs["shuffle=False"]["stateless"]
    title = "Cue recall: held-out accuracy by window, with and without shuffling"
    colors = [STATEFUL_COLOR, BROKEN_COLOR, STATELESS_COLOR]
    chance = runs["shuffle=False"]["chance"]
    render_figure(plot_runs_by_window(curves, results[0].metric, chance, title, colors))


PARTS = {"fit_order": show_fit_order, "shuffle_cue": show_shuffle}
