"""Rendering a finished run: verdict, headline figures, charts; the learner's runs, two of them compared."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from statelab.charts import lab as charts
from statelab.charts.lab import STATEFUL_COLOR, STATELESS_COLOR, format_score
from statelab.engine.config import LAYERS, LabConfig
from statelab.engine.results import MODES, LabResult, seed_stack
from statelab.engine.tasks import TASK_SPECS
from statelab.teaching.presets import PRESETS
from statelab.teaching.verdict import guess_note, verdict
from ui.figures import render_figure
from ui.lab_form import setting_changes

DEFAULTS = asdict(LabConfig())
STANDARDISED_NOTE = (
    "The errors are mean squared errors on the series standardised by its training part (that part has mean "
    "0 and standard deviation 1), so they are in squared standard deviations of it."
)


def headline(results: list[LabResult]) -> dict[str, float]:
    """Mean score of each model and the constant-guess level over the seeds."""
    return {
        "stateful": float(np.mean([r.stateful.score for r in results])),
        "stateless": float(np.mean([r.stateless.score for r in results])),
        "chance": float(np.mean([r.chance for r in results])),
    }


def seasonal_error(results: list[LabResult]) -> float:
    """The seasonal naive forecast's error over the seeds (NaN without a season)."""
    return float(np.mean([result.seasonal for result in results]))


def baselines_caption(results: list[LabResult]) -> str:
    """What the forecast baselines beside the models are: persistence, and the season, where it comes from."""
    config, period = results[0].config, results[0].period
    text = "**Persistence** forecasts each value as the one just before it."
    if period:
        source = {
            "forecast": " (52 weeks: one year)",
            "own_series": " (found in the part the models train on)",
        }
        found = " (as you set it)" if config.period else source.get(config.task, "")
        return (
            f"{text} **Seasonal naive** forecasts it as the value {period} steps earlier, one season{found}."
        )
    if config.task == "own_series":
        text += (
            " No season was found in the part of your series the models train on, so there is no seasonal "
            "naive forecast to compare with. If your series has one, set its length under **Your own "
            "series**."
        )
    return text


def render_verdict(results: list[LabResult]) -> None:
    """The plain-language verdict and the headline figures."""
    metric, config = results[0].metric, results[0].config
    st.info(verdict(results), icon=":material/science:")
    # markdown, not a caption: code in a caption's faded grey falls below 4.5:1 contrast (axe)
    st.markdown(f"Both models: `keras.layers.{LAYERS[config.layer]}({config.units})` and a Dense head.")
    figures = headline(results)
    names = {"stateful": "Stateful", "stateless": "Stateless", "chance": "Constant guess"}
    if metric == "error":
        names = {"stateful": "Stateful error", "stateless": "Stateless error", "chance": "Predict the mean"}
    persistence = float(np.mean([r.persistence for r in results]))
    if np.isfinite(persistence):  # a forecast: "next value = this value" is the baseline to beat
        figures["persistence"] = persistence
        names["persistence"] = "Persistence"
    if np.isfinite(seasonal_error(results)):  # a seasonal series: "next value = the value a season earlier"
        figures["seasonal"], names["seasonal"] = seasonal_error(results), "Seasonal naive"
    for column, (key, value) in zip(st.columns(len(figures)), figures.items(), strict=True):
        column.metric(names[key], format_score(value, metric))
    if np.isfinite(persistence):
        st.caption(f"{baselines_caption(results)} {STANDARDISED_NOTE}")


def render_guess_note(results: list[LabResult], where=st) -> None:
    """What the chart's constant-guess (or mean) line is and why a model can fall below it, one click away."""
    baseline = "constant guess" if results[0].metric == "accuracy" else "mean"
    with where.expander(f"Where does the {baseline} line come from?", icon=":material/help:"):
        st.markdown(guess_note(results))


def render_charts(results: list[LabResult]) -> None:
    """Signature plot and loss side by side, predictions below."""
    by_window, loss = seed_stack(results, "by_window"), seed_stack(results, "loss")
    chance = float(np.mean([result.chance for result in results]))
    persistence = float(np.mean([result.persistence for result in results]))
    left, right = st.columns(2)
    metric = results[0].metric
    forecast = {"persistence": persistence, "seasonal naive": seasonal_error(results)}
    figure = charts.plot_by_window(
        by_window["stateful"],
        by_window["stateless"],
        metric,
        chance,
        {name: error for name, error in forecast.items() if np.isfinite(error)},
    )
    render_figure(figure, left, table=True)
    render_guess_note(results, left)
    render_figure(charts.plot_loss(loss["stateful"], loss["stateless"]), right, table=True)
    first = results[0]
    kind = TASK_SPECS[first.config.task].kind
    figure = charts.plot_predictions(
        first.stateful.predictions, first.stateless.predictions, first.stateful.targets, kind
    )
    render_figure(figure)


def _scores(row: dict) -> dict[str, str]:
    """Both models' mean held-out score of a history row, as shown."""
    return {mode: format_score(float(np.mean(row["by_window"][mode])), row["metric"]) for mode in MODES}


def _seeds(row: dict) -> str:
    first = row["config"]["seed"]
    return f"{first}–{first + row['n_seeds'] - 1}" if row["n_seeds"] > 1 else str(first)


def _seed_count(row: dict) -> str:
    """How many seeds a run trained, and which: "1 (seed 0)", "3 (seeds 0–2)"."""
    return f"{row['n_seeds']} ({'seeds' if row['n_seeds'] > 1 else 'seed'} {_seeds(row)})"


def history_table(history: list[dict]) -> list[dict]:
    """The runs as table rows: what the run was and what changed first, so they stay in view."""
    return [
        {
            "run": PRESETS[row["preset"]].title if row["preset"] in PRESETS else "your settings",
            "what changed": ", ".join(setting_changes(row["config"], DEFAULTS)) or "nothing: the defaults",
            **_scores(row),
            "seeds": _seed_count(row),
        }
        for row in history
    ]


def compare_labels(first: dict, second: dict) -> tuple[str, str]:
    """Short names of two runs by what differs between them (their settings, else their seeds)."""
    labels = (
        ", ".join(setting_changes(first["config"], second["config"])),
        ", ".join(setting_changes(second["config"], first["config"])),
    )
    if not all(labels):
        labels = (f"seeds {_seeds(first)}", f"seeds {_seeds(second)}")
    return labels


def plot_two_runs(first: dict, second: dict) -> go.Figure:
    """Both models of two history rows by window: colour = model, solid = first run, dashed = second."""
    labels = compare_labels(first, second)
    runs, colors, dashes = {}, [], []
    for row, label, dash in zip((first, second), labels, ("solid", "dash"), strict=True):
        for mode, color in zip(MODES, (STATEFUL_COLOR, STATELESS_COLOR), strict=True):
            runs[f"{mode}, {label}"] = np.array(row["by_window"][mode])
            colors.append(color)
            dashes.append(dash)
    chance = first["chance"] if np.isclose(first["chance"], second["chance"]) else None
    note = f"solid: {labels[0]}; dashed: {labels[1]}"
    title = "Two of your runs, by window position"
    figure = charts.plot_runs_by_window(runs, first["metric"], chance, title, colors, dashes, note)
    for trace in figure.data:  # the legend names the models (one entry each); the note names the runs
        model, run = trace.name.split(", ", 1)
        trace.update(
            name=model, legendgroup=model, showlegend=run == labels[0] and trace.showlegend is not False
        )
        trace.update(hovertemplate=f"{model}, {run}<br>window %{{x}}: %{{y:.3g}}<extra></extra>")
    return figure


def render_history(history: list[dict]) -> None:
    """The learner's runs in a table, newest first; pick two to compare them window by window."""
    if not history:
        st.caption("Your runs will be listed here.")
        return
    history = history[::-1]
    event = st.dataframe(
        history_table(history),
        on_select="rerun",
        selection_mode="multi-row",
        key="history_table",
        hide_index=True,
        width="stretch",
    )
    picked = event.selection.rows
    if len(picked) != 2:
        st.caption("Select two runs (tick their rows) to compare them.")
        return
    second, first = (history[index] for index in sorted(picked))  # the older run is solid
    if first["metric"] != second["metric"]:
        st.warning("These two runs measure different things (accuracy and error): pick two of one kind.")
        return
    render_figure(plot_two_runs(first, second))
