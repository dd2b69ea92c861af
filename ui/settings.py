"""The Lab's settings form: bounded controls, URL round trip, plain-language problems beside controls."""

from __future__ import annotations

from dataclasses import asdict, fields

import streamlit as st

from statelab.config import (
    BOUNDS,
    RESET_POLICIES,
    SHUFFLE_CHOICES,
    ConfigError,
    LabConfig,
    from_query,
    to_query,
)
from statelab.tasks import TASK_SPECS

PREFIX = "setting_"
LEARNING_RATES = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]
NUMBER_LABELS = {
    "batch_size": (
        "Batch size (streams side by side)",
        "One state per batch row: row i of every batch is one stream.",
    ),
    "timesteps": ("Timesteps (window length)", "Steps per window: gradients flow only inside a window."),
    "n_windows": ("Windows per stream", "A stream is cut into this many consecutive windows."),
    "n_groups": ("Stream groups per epoch", "Groups of batch-size streams trained one after another."),
    "units": ("LSTM units", "Size of h and c."),
    "epochs": ("Epochs", "Passes over all stream groups."),
    "seed": ("Seed", "Same seed, same data, same weights, same numbers."),
    "eval_groups": ("Held-out stream groups", "Groups of fresh streams used to score both models."),
}


def widget_key(name: str) -> str:
    """Session-state key of a setting's widget."""
    return PREFIX + name


def load_config(config: LabConfig, n_seeds: int = 1) -> None:
    """Put a config into the form's widgets (used by presets and links)."""
    for name, value in asdict(config).items():
        if name == "series" and not value:  # a preset does not forget the series a learner uploaded
            st.session_state.setdefault(widget_key(name), value)
        else:
            st.session_state[widget_key(name)] = value
    st.session_state[widget_key("n_seeds")] = n_seeds


def init_from_url() -> None:
    """On a session's first run, fill the form from the URL (defaults for anything missing or wrong)."""
    if widget_key("task") in st.session_state:
        return
    params = {name: st.query_params[name] for name in st.query_params}
    config, notes = from_query(params)
    n_seeds = params.get("seeds", "1")
    seeds = int(n_seeds) if n_seeds.isdigit() and 1 <= int(n_seeds) <= 5 else 1
    load_config(config, seeds)
    st.session_state["url_notes"] = notes
    if params and not notes:
        st.session_state["pending"] = {"config": config, "n_seeds": seeds}


def write_url(config: LabConfig, n_seeds: int) -> None:
    """Every setting that differs from the defaults goes into the URL, so a link reproduces the run."""
    query = to_query(config)
    if n_seeds > 1:
        query["seeds"] = str(n_seeds)
    st.query_params.from_dict(query)


def read_form() -> tuple[LabConfig | None, int, list[tuple[str, str]]]:
    """The config the widgets describe, the number of seeds, and any problems with it."""
    values = {field.name: st.session_state[widget_key(field.name)] for field in fields(LabConfig)}
    if values["task"] != "own_series":
        values["series"] = ""  # an uploaded series stays ready for later, but only that task uses it
    n_seeds = st.session_state[widget_key("n_seeds")]
    try:
        return LabConfig(**values), n_seeds, []
    except ConfigError as error:
        return None, n_seeds, error.problems


def _problem(name: str, problems: list[tuple[str, str]]) -> None:
    for field, message in problems:
        if field == name:
            st.error(message, icon=":material/warning:")


def render_form(problems: list[tuple[str, str]]) -> bool:
    """Draw the settings form; returns True when "Train both models" was pressed."""
    with st.form("settings", border=True):
        st.selectbox(
            "Task",
            list(TASK_SPECS),
            key=widget_key("task"),
            format_func=lambda task: TASK_SPECS[task].title,
            help="What the models learn.",
        )
        _problem("task", problems)
        left, right = st.columns(2)
        for index, name in enumerate(NUMBER_LABELS):
            low, high = BOUNDS[name]
            label, help_text = NUMBER_LABELS[name]
            with left if index % 2 == 0 else right:
                st.number_input(
                    label,
                    min_value=int(low),
                    max_value=int(high),
                    step=1,
                    key=widget_key(name),
                    help=help_text,
                )
                _problem(name, problems)
        rates = sorted({*LEARNING_RATES, st.session_state[widget_key("learning_rate")]})
        st.select_slider("Learning rate (Adam)", rates, key=widget_key("learning_rate"))
        _problem("learning_rate", problems)
        st.radio(
            "Shuffle",
            list(SHUFFLE_CHOICES),
            key=widget_key("shuffle"),
            format_func=lambda choice: SHUFFLE_CHOICES[choice],
        )
        _problem("shuffle", problems)
        st.radio(
            "Reset the state",
            list(RESET_POLICIES),
            key=widget_key("reset"),
            format_func=lambda policy: f"{policy}: {RESET_POLICIES[policy]}",
        )
        _problem("reset", problems)
        st.slider("Seeds (show the spread over 1-5 seeds)", 1, 5, key=widget_key("n_seeds"))
        return st.form_submit_button("Train both models", type="primary", width="stretch")
