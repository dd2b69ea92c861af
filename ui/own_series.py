"""The Lab's "Your own series" box: upload a CSV, check it, keep it on the server for every worker."""

from __future__ import annotations

import streamlit as st

from statelab.storage import store_series
from statelab.upload import MAX_UPLOAD_BYTES, MAX_VALUES, MIN_VALUES, UploadError, read_series_csv
from ui.settings import widget_key

UPLOAD_KEY = "series_upload"
NOTE_KEY = "series_note"
OWN_TASK = "own_series"


def _on_upload() -> None:
    """Check the uploaded file; if it holds a series, store it and make it the Lab's task."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        st.session_state.pop(NOTE_KEY, None)
        return
    try:
        values, description = read_series_csv(upload.getvalue(), upload.name)
    except UploadError as error:
        st.session_state[NOTE_KEY] = ("error", str(error))
        return
    st.session_state[widget_key("series")] = store_series(values)
    st.session_state[widget_key("task")] = OWN_TASK
    st.session_state[NOTE_KEY] = (
        "success",
        f"{upload.name}, {description}. The task is now your own series: press Train both models.",
    )


def render_upload() -> None:
    """The upload box, open while the own-series task is chosen, with what was read or why not."""
    chosen = st.session_state.get(widget_key("task")) == OWN_TASK
    with st.expander("Your own series (CSV)", expanded=chosen, icon=":material/upload_file:"):
        st.caption(
            f"One column of numbers, one per line, {MIN_VALUES}–{MAX_VALUES:,} values, up to "
            f"{MAX_UPLOAD_BYTES // 1_000_000} MB. A header row, comment lines (#) and other columns such "
            "as dates are fine: the last column of numbers is the series. Both models learn to forecast "
            "its next value at every step."
        )
        st.file_uploader("CSV file", type=["csv", "txt"], key=UPLOAD_KEY, on_change=_on_upload)
        kind, text = st.session_state.get(NOTE_KEY, ("", ""))
        if kind == "error":
            st.error(text, icon=":material/warning:")
        elif kind == "success":
            st.success(text, icon=":material/check_circle:")
