"""Lesson 3: shuffle. Live: the order fit really feeds under each shuffle setting; shuffling the cue task."""

from dataclasses import replace

import numpy as np
import streamlit as st

from statelab.charts import BROKEN_COLOR, STATEFUL_COLOR, STATELESS_COLOR
from statelab.jobs import demo_job
from statelab.lesson_charts import plot_fit_order, plot_runs_by_window
from statelab.presets import PRESETS
from ui.demos import captured_caption, render_figure, seed_runs, stacked
from ui.lessons import Check, lesson_config, render_lesson

FIT_ORDER = demo_job("fit_order", batch_size=4, n_batches=3)
SHUFFLES = {"shuffle=False": False, "shuffle=True": True, 'shuffle="batch"': "batch"}
CUE = lesson_config(PRESETS["correct"].config())
TRAINED = {"shuffle=False": replace(CUE, shuffle=False), "shuffle=True": replace(CUE, shuffle=True)}
RUNS, RUN_LABELS = seed_runs(TRAINED)


def judge_fit_order(values: list) -> str:
    """What shuffle="batch" did: nothing, rows permuted within batches, or samples moved across batches."""
    plain, batch = values[0]["orders"]["False"], values[0]["orders"]["batch"]
    if np.array_equal(plain, batch):
        return "kept"
    same_batches = all(set(left) == set(right) for left, right in zip(plain, batch, strict=True))
    return "rows" if same_batches else "across"


def show_fit_order(values: list) -> None:
    """The captured order of each shuffle setting as a layout diagram."""
    orders = values[0]["orders"]
    for tab, (label, shuffle) in zip(st.tabs(list(SHUFFLES)), SHUFFLES.items(), strict=True):
        with tab:
            render_figure(plot_fit_order(orders[str(shuffle)], label.removeprefix("shuffle=")))
    captured_caption()


def judge_shuffle(results: list) -> str:
    """How the stateful model trained with shuffle=True did in the last window, over the seeds."""
    shuffled = stacked(results, TRAINED)["shuffle=True"]
    last, chance = shuffled["stateful"][:, -1].mean(), shuffled["chance"]
    if last >= 0.9:
        return "high"
    return "chance" if last <= chance + 0.12 else "between"


def show_shuffle(results: list) -> None:
    """Stateful accuracy by window with and without shuffling, with the unshuffled stateless model."""
    runs = stacked(results, TRAINED)
    curves = {f"stateful, {label}": run["stateful"] for label, run in runs.items()}
    curves["stateless, shuffle=False"] = runs["shuffle=False"]["stateless"]
    title = "Cue recall: held-out accuracy by window, with and without shuffling"
    colors = [STATEFUL_COLOR, BROKEN_COLOR, STATELESS_COLOR]
    chance = runs["shuffle=False"]["chance"]
    render_figure(plot_runs_by_window(curves, results[0].metric, chance, title, colors))


if __name__ == "__main__":  # Streamlit runs a page as __main__; ui.warm_up imports it for its works
    render_lesson(
        3,
        demos={},
        checks={
            "fit_order": Check([FIT_ORDER], judge_fit_order, show_fit_order),
            "shuffle_cue": Check(RUNS, judge_shuffle, show_shuffle, labels=RUN_LABELS),
        },
    )
