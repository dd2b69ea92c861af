"""How lesson 12's demos and check are drawn: each checklist item's link to the Lab run or lesson demo
that reproduces it, and the cue task trained too briefly, over seeds."""

from functools import partial

import numpy as np
import streamlit as st

from statelab.charts.lab import BROKEN_COLOR, STATEFUL_COLOR, plot_runs_by_window
from statelab.teaching.lessons.lesson_12 import FEW_EPOCHS, TRAINED
from statelab.teaching.presets import PRESETS
from ui.lab_presets import render_lab_links
from ui.live_results import render_figure, stacked

LESSON_LINKS = {
    "link_lesson_9": ("views/lesson_9.py", "Lesson 9: sliding windows, live"),
    "link_lesson_5": ("views/lesson_5.py", "Lesson 5: predicting with another batch size, live"),
}


def show_few_epochs(results: list) -> None:
    """The stateful model's accuracy by window after few and after enough epochs, every seed's range."""
    runs = stacked(results, list(TRAINED))
    curves = {f"stateful, {label}": run["stateful"] for label, run in runs.items()}
    title = "Cue recall: held-out accuracy by window, few epochs and enough"
    chance = runs[next(iter(runs))]["chance"]
    render_figure(plot_runs_by_window(curves, "accuracy", chance, title, [BROKEN_COLOR, STATEFUL_COLOR]))
    lowest = np.asarray(runs[f"{FEW_EPOCHS} epochs"]["stateful"]).min(axis=1)
    st.markdown(
        f"Lowest window accuracy per seed after {FEW_EPOCHS} epochs: "
        + ", ".join(f"**{score:.0%}**" for score in lowest)
        + "."
    )


def link_few_epochs() -> None:
    """The same run in the Lab, on three seeds, with the Lab's note beside Epochs."""
    st.page_link(
        "views/lab.py",
        label=f"Lab: the cue task with {FEW_EPOCHS} epochs, three seeds",
        icon=":material/science:",
        query_params={"epochs": str(FEW_EPOCHS), "seeds": "3"},
    )


def link_page(page: str, label: str) -> None:
    """A link to a lesson's live demo."""
    st.page_link(page, label=label, icon=":material/school:")


PARTS = {
    **{f"link_{preset}": partial(render_lab_links, [preset]) for preset in PRESETS},
    **{name: partial(link_page, *target) for name, target in LESSON_LINKS.items()},
    "link_few_epochs": link_few_epochs,
    "few_epochs": show_few_epochs,
}
