"""Predict, then run: the learner's prediction and whether it held (lesson checks and Lab presets)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def render_prediction(
    options: dict[str, str],
    picked: str | None,
    key: str,
    run_key: str,
    on_run: Callable[..., None],
    args: tuple,
    run_help: str,
) -> None:
    """The options as a radio, locked once a prediction is kept; until then Run it, enabled by a pick."""
    keys = list(options)
    choice = st.radio(
        "Your prediction",
        keys,
        index=keys.index(picked) if picked else None,
        format_func=options.get,
        key=key,
        disabled=picked is not None,
    )
    if picked is None:
        st.button(
            "Run it",
            key=run_key,
            type="primary",
            icon=":material/play_arrow:",
            disabled=choice is None,
            on_click=on_run,
            args=args,
            help="Pick a prediction first." if choice is None else run_help,
        )


def render_held(options: dict[str, str], picked: str, outcome: str) -> None:
    """Whether the prediction held: what the learner said, and what the run showed."""
    if picked == outcome:
        st.success(f"**Your prediction held:** {options[outcome]}.", icon=":material/check_circle:")
    else:
        st.warning(
            f"**Your prediction did not hold.** You said: {options[picked]}. "
            f"The run shows: {options[outcome]}.",
            icon=":material/lightbulb:",
        )
