"""The "Keras 3 code" panel: the runnable script for the current settings, to copy or download, and the
same run as a Jupyter notebook; and the notebook of a lesson's code."""

from collections.abc import Callable
from functools import partial

import streamlit as st

from statelab.engine.config import LabConfig
from statelab.engine.storage import series_path
from statelab.engine.tasks import CO2_CSV
from statelab.export.notebook import (
    keras_notebook,
    keras_notebook_filename,
    lesson_code_notebook,
    lesson_code_notebook_filename,
    notebook_text,
)
from statelab.export.script import data_file_name, keras_script, keras_script_filename, reproduction_note

NOTEBOOK_MIME = "application/x-ipynb+json"


def render_download(
    label: str, make_file: Callable[[], str | bytes], file_name: str, mime: str, *, where=st, **options
) -> None:
    """A download button whose file is made when it is pressed (a deferred download).

    A file handed to the button itself is stored by the server at every run of the page and let go
    after runs that did not draw the button; the browser checks a button's file as soon as it shows
    it, so a button left on screen by such a run answered 404. A deferred file is made on the press,
    and the press does not rerun the page: a rerun re-registers the button's file generator while the
    browser asks for the file (in the suite, one download in ~60 never came).
    """
    where.download_button(
        label,
        make_file,
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        on_click="ignore",
        **options,
    )


def render_code_export(config: LabConfig) -> None:
    """Show the script in a code block (with a copy button) and offer it, and the notebook, as downloads."""
    script = keras_script(config)
    st.caption(reproduction_note())
    with st.expander("Show the script: data, layout, model, training with this shuffle and reset policy"):
        st.code(script, language="python", line_numbers=True)
    render_download(
        "Download the script",
        partial(str, script),
        keras_script_filename(config),
        "text/x-python",
        key="download_script",
    )
    render_download(
        "Download as a Jupyter notebook",
        partial(_notebook_text, config),
        keras_notebook_filename(config),
        NOTEBOOK_MIME,
        key="download_notebook",
        help="The same code as the script, step by step, with what each step does.",
    )
    if data_file_name(config):  # the script and the notebook read the series from a file beside them
        own = config.task == "own_series"
        render_download(
            "Download your series (CSV)" if own else "Download the CO2 series (CSV)",
            (series_path(config.series) if own else CO2_CSV).read_bytes,
            data_file_name(config),
            "text/csv",
            key="download_series",
        )


def _notebook_text(config: LabConfig) -> str:
    return notebook_text(keras_notebook(config))


def render_lesson_code_notebook(filename: str, key: str) -> None:
    """A lesson code file as a notebook download (its code, the lesson files it imports and a run of it)."""
    render_download(
        "Download as a Jupyter notebook",
        partial(_lesson_notebook_text, filename),
        lesson_code_notebook_filename(filename),
        NOTEBOOK_MIME,
        key=key,
        type="tertiary",
    )


def _lesson_notebook_text(filename: str) -> str:
    return notebook_text(lesson_code_notebook(filename))
