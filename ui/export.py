"""The "Keras 3 code" panel: the runnable script for the current settings, to copy or download."""

import streamlit as st

from statelab.codegen import keras_script, keras_script_filename, reproduction_note, series_filename
from statelab.config import LabConfig
from statelab.storage import series_path


def render_code_export(config: LabConfig) -> None:
    """Show the script in a code block (with a copy button) and offer it as a download."""
    script = keras_script(config)
    st.caption(reproduction_note())
    with st.expander("Show the script: data, layout, model, training with this shuffle and reset policy"):
        st.code(script, language="python", line_numbers=True)
    st.download_button(
        "Download the script",
        script,
        file_name=keras_script_filename(config),
        mime="text/x-python",
        key="download_script",
        icon=":material/download:",
    )
    if config.task == "own_series":  # the script reads the cleaned series from a file beside it
        st.download_button(
            "Download your series (CSV)",
            series_path(config.series).read_bytes(),
            file_name=series_filename(config),
            mime="text/csv",
            key="download_series",
            icon=":material/download:",
        )
