"""The "Keras 3 code" panel: the runnable script for the current settings, to copy or download, and the
same run as a Jupyter notebook; and the notebook of a lesson's code."""

import streamlit as st

from statelab.codegen import data_file_name, keras_script, keras_script_filename, reproduction_note
from statelab.config import LabConfig
from statelab.notebook import (
    keras_notebook,
    keras_notebook_filename,
    lesson_code_notebook,
    lesson_code_notebook_filename,
    notebook_text,
)
from statelab.storage import series_path
from statelab.tasks import CO2_CSV

NOTEBOOK_MIME = "application/x-ipynb+json"


def render_code_export(config: LabConfig) -> None:
    """Show the script in a code block (with a copy button) and offer it, and the notebook, as downloads."""
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
    st.download_button(
        "Download as a Jupyter notebook",
        notebook_text(keras_notebook(config)),
        file_name=keras_notebook_filename(config),
        mime=NOTEBOOK_MIME,
        key="download_notebook",
        icon=":material/download:",
        help="The same code as the script, step by step, with what each step does.",
    )
    if data_file_name(config):  # the script and the notebook read the series from a file beside them
        own = config.task == "own_series"
        st.download_button(
            "Download your series (CSV)" if own else "Download the CO2 series (CSV)",
            (series_path(config.series) if own else CO2_CSV).read_bytes(),
            file_name=data_file_name(config),
            mime="text/csv",
            key="download_series",
            icon=":material/download:",
        )


def render_lesson_code_notebook(filename: str, key: str) -> None:
    """A lesson code file as a notebook download (its code, the lesson files it imports and a run of it)."""
    st.download_button(
        "Download as a Jupyter notebook",
        notebook_text(lesson_code_notebook(filename)),
        file_name=lesson_code_notebook_filename(filename),
        mime=NOTEBOOK_MIME,
        key=key,
        icon=":material/download:",
        type="tertiary",
    )
