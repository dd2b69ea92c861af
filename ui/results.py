"""Rendering a finished run: verdict, headline figures, charts, and the session's run history."""

from __future__ import annotations

import numpy as np
import streamlit as st

from statelab import charts
from statelab.results import LabResult
from statelab.tasks import TASK_SPECS
from statelab.verdict import verdict

CHART_CONFIG = {"displaylogo": False}


def headline(results: list[LabResult]) -> dict[str, float]:
    """Mean score of each model and the constant-guess level over the seeds."""
    return {
        "stateful": float(np.mean([r.stateful.score for r in results])),
        "stateless": float(np.mean([r.stateless.score for r in results])),
        "chance": float(np.mean([r.chance for r in results])),
    }


def _shown(value: float, metric: str) -> str:
    return f"{value * 100:.0f} %" if metric == "accuracy" else f"{value:.3f}"


def render_verdict(results: list[LabResult]) -> None:
    """The plain-language verdict and the headline figures."""
    metric = results[0].metric
    st.info(verdict(results), icon=":material/science:")
    figures = headline(results)
    names = {"stateful": "Stateful", "stateless": "Stateless", "chance": "Constant guess"}
    if metric == "error":
        names = {"stateful": "Stateful error", "stateless": "Stateless error", "chance": "Predict the mean"}
    for column, (key, value) in zip(st.columns(3), figures.items(), strict=True):
        column.metric(names[key], _shown(value, metric))


def render_charts(results: list[LabResult]) -> None:
    """Signature plot and loss side by side, predictions below."""
    stack = {
        mode: np.stack([getattr(r, mode).by_window for r in results]) for mode in ("stateful", "stateless")
    }
    loss = {mode: np.stack([getattr(r, mode).loss for r in results]) for mode in ("stateful", "stateless")}
    chance = float(np.mean([r.chance for r in results]))
    left, right = st.columns(2)
    left.plotly_chart(
        charts.plot_by_window(stack["stateful"], stack["stateless"], results[0].metric, chance),
        width="stretch",
        config=CHART_CONFIG,
    )
    right.plotly_chart(
        charts.plot_loss(loss["stateful"], loss["stateless"]), width="stretch", config=CHART_CONFIG
    )
    first = results[0]
    kind = TASK_SPECS[first.config.task].kind
    figure = charts.plot_predictions(
        first.stateful.predictions, first.stateless.predictions, first.stateful.targets, kind
    )
    st.plotly_chart(figure, width="stretch", config=CHART_CONFIG)


def history_row(results: list[LabResult]) -> dict:
    """One line of the run history: settings and headline figures."""
    config, metric = results[0].config, results[0].metric
    figures = headline(results)
    return {  # the headline figures first: they stay in view on a narrow screen
        "task": config.task,
        "stateful": _shown(figures["stateful"], metric),
        "stateless": _shown(figures["stateless"], metric),
        "batch": config.batch_size,
        "steps": config.timesteps,
        "windows": config.n_windows,
        "groups": config.n_groups,
        "units": config.units,
        "epochs": config.epochs,
        "shuffle": str(config.shuffle),
        "reset": config.reset,
        "seeds": f"{config.seed}..{config.seed + len(results) - 1}" if len(results) > 1 else str(config.seed),
        "metric": metric,
        "by_window": {
            mode: np.mean([getattr(r, mode).by_window for r in results], axis=0).tolist()
            for mode in ("stateful", "stateless")
        },
    }


def render_history(history: list[dict]) -> None:
    """The session's runs in a table; pick two to compare them window by window."""
    if not history:
        st.caption("Your runs will be listed here.")
        return
    shown = [{k: v for k, v in row.items() if k != "by_window"} for row in history]
    event = st.dataframe(
        shown,
        on_select="rerun",
        selection_mode="multi-row",
        key="history_table",
        hide_index=False,
        width="stretch",
    )
    picked = event.selection.rows
    if len(picked) != 2:
        st.caption("Select two runs (tick their rows) to compare them.")
        return
    rows = [history[index] for index in picked]
    if rows[0]["metric"] != rows[1]["metric"]:
        st.warning("These two runs measure different things (accuracy and error): pick two of one kind.")
        return
    runs = {
        f"run {index} {mode}": np.array(row["by_window"][mode])
        for index, row in zip(picked, rows, strict=True)
        for mode in ("stateful", "stateless")
    }
    st.plotly_chart(charts.plot_compare_runs(runs, rows[0]["metric"]), width="stretch", config=CHART_CONFIG)
