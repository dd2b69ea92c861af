"""The Lab's "Your own series" box: upload a CSV, pick its column, check it, keep it on the server."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from statelab.engine.config import BOUNDS, LabConfig, to_query
from statelab.engine.seasons import detect_period
from statelab.engine.storage import store_series, stored_series_length
from statelab.engine.tasks import fitting_windows, series_split
from statelab.engine.upload import (
    MAX_UPLOAD_BYTES,
    MAX_VALUES,
    MIN_VALUES,
    UploadError,
    default_column,
    numeric_columns,
    read_series_csv,
)
from ui.lab_form import widget_key
from ui.lab_memory import MAX_TEXT as MAX_NOTE
from ui.lab_memory import learner_series

UPLOAD_KEY = "series_upload"
NOTE_KEY = "series_note"
COLUMNS_KEY = "series_columns"  # the uploaded file's numeric columns: index -> label
COLUMN_KEY = "series_column"  # the chosen one
SERIES_NOTE_KEY = "series_described"  # what the kept series is: "levels.csv, column 'level': 600 values"
OWN_TASK = "own_series"
FORECAST_PRESET = "forecast"  # a lesson that links it also links the learner's own series


def _on_upload() -> None:
    """Find the uploaded file's numeric columns and read the first series among them (or say why not)."""
    upload = st.session_state.get(UPLOAD_KEY)
    st.session_state.pop(COLUMNS_KEY, None)
    if upload is None:
        st.session_state.pop(NOTE_KEY, None)
        return
    try:
        columns = numeric_columns(upload.getvalue(), upload.name)
    except UploadError as error:
        st.session_state[NOTE_KEY] = ("error", str(error))
        return
    st.session_state[COLUMNS_KEY] = columns
    st.session_state[COLUMN_KEY] = default_column(upload.getvalue(), upload.name)
    _on_column()


def _on_column() -> None:
    """Check the chosen column; if it holds a series, store it and make it the Lab's task."""
    upload = st.session_state[UPLOAD_KEY]
    try:
        values, description = read_series_csv(upload.getvalue(), upload.name, st.session_state[COLUMN_KEY])
    except UploadError as error:
        st.session_state[NOTE_KEY] = ("error", str(error))
        return
    st.session_state[widget_key("series")] = store_series(values)
    st.session_state[widget_key("task")] = OWN_TASK
    st.session_state[widget_key("period")] = 0  # detect the new series' season
    st.session_state[SERIES_NOTE_KEY] = f"{upload.name}, {description}"[:MAX_NOTE]
    note = f"{upload.name}, {description}. The task is now your own series{_fit_windows(values.size)}."
    st.session_state[NOTE_KEY] = ("success", f"{note} {_season_note(values)} Press Train both models.")


def _season_note(values) -> str:
    """The season found in the part of the series the models will train on, or that none was."""
    timesteps, windows = st.session_state[widget_key("timesteps")], st.session_state[widget_key("n_windows")]
    train_stop, _ = series_split(values.size, windows * timesteps, timesteps)
    period = detect_period(values[:train_stop])
    if not period:
        return (
            "No repeating cycle was found in its first part, so there is no seasonal naive baseline; if it "
            "has a season, set its length below."
        )
    return (
        f"It repeats about every {period} steps (found in its first {train_stop} values): the seasonal "
        f"naive forecast, the value {period} steps earlier, is the baseline beside persistence."
    )


def restore_series(series: str, note: str) -> None:
    """A series this browser uploaded earlier (on another page, before a reload): back in the controls,
    described in the upload box."""
    if not series or st.session_state.get(widget_key("series")):
        return
    st.session_state[widget_key("series")] = series
    st.session_state[SERIES_NOTE_KEY] = note
    if NOTE_KEY not in st.session_state:
        kept = f"Your series from before: {note}. Upload a file to replace it."
        st.session_state[NOTE_KEY] = ("success", kept)


def _fit_windows(size: int) -> str:
    """Shorten the streams if they do not fit the series twice (trained on, held out); what changed."""
    timesteps, windows = st.session_state[widget_key("timesteps")], st.session_state[widget_key("n_windows")]
    most = fitting_windows(size, timesteps)
    if 1 <= most < windows:
        st.session_state[widget_key("n_windows")] = most
        return (
            f", with {most} windows per stream (not {windows}) so that a stream fits twice: once in "
            "the part trained on and once in the later part held out for scoring"
        )
    return ""


def render_upload() -> None:
    """The upload box, open while the own-series task is chosen, with what was read or why not."""
    chosen = st.session_state.get(widget_key("task")) == OWN_TASK
    with st.expander("Your own series (CSV)", expanded=chosen, icon=":material/upload_file:"):
        st.caption(
            f"One column of numbers, one per line, {MIN_VALUES}–{MAX_VALUES:,} values, up to "
            f"{MAX_UPLOAD_BYTES // 1_000_000} MB. A header row, comment lines (#) and other columns such "
            "as dates are fine. Both models learn to forecast its next value at every step: they train on "
            "the start of the series and are scored on its end (the last fifth or more), which training "
            "never sees."
        )
        st.file_uploader("CSV file", type=["csv", "txt"], key=UPLOAD_KEY, on_change=_on_upload)
        columns = st.session_state.get(COLUMNS_KEY, {})
        if len(columns) > 1:
            st.selectbox(
                "Column to forecast",
                list(columns),
                format_func=columns.get,
                key=COLUMN_KEY,
                on_change=_on_column,
                help="The file has several columns of numbers; the first that is not a counter (such as "
                "row numbers or years) is used unless you pick another.",
            )
        low, high = BOUNDS["period"]
        st.number_input(
            "Season length (steps; 0: detect it)",
            min_value=int(low),
            max_value=int(high),
            step=1,
            key=widget_key("period"),
            help="The seasonal naive forecast predicts each value as the value one season earlier (for "
            "weekly data with a yearly cycle: 52). With 0 the Lab looks for a repeating cycle in the part "
            "the models train on, and shows the one it found beside the results.",
        )
        kind, text = st.session_state.get(NOTE_KEY, ("", ""))
        if kind == "error":
            st.error(text, icon=":material/warning:")
        elif kind == "success":
            st.success(text, icon=":material/check_circle:")


def own_series_query(series: str) -> dict[str, str]:
    """The Lab link's query for a stored series: the default settings, with streams short enough to fit."""
    default = LabConfig()
    most = fitting_windows(stored_series_length(series) or 0, default.timesteps)
    windows = min(default.n_windows, most) if most >= 1 else default.n_windows
    return to_query(replace(default, task=OWN_TASK, series=series, n_windows=windows))


def render_own_series_link(preset_ids: tuple[str, ...] | list[str]) -> None:
    """Beside the forecasting preset: the Lab on the series this learner uploaded, if there is one."""
    series, note = learner_series()
    if series and FORECAST_PRESET in preset_ids:
        st.page_link(
            "views/lab.py",
            label=f"Lab: your own series ({note})" if note else "Lab: your own series",
            icon=":material/upload_file:",
            query_params=own_series_query(series),
            help="Opens the Lab on the series you uploaded and trains both models on it.",
        )


def render_forecast_link(config: LabConfig) -> None:
    """Under an own-series result: lesson 10 forecasts the same series step by step, on a held-out end."""
    if config.task != OWN_TASK or not config.series:
        return
    st.page_link(
        "views/lesson_10.py",
        label="Forecast your series one step at a time (lesson 10)",
        icon=":material/timeline:",
        query_params={"series": config.series},
        help="A stateful copy of a trained model, warmed up on your series and fed its own predictions, "
        "scored on its held-out end against persistence.",
    )
