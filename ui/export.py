"""The "Keras 3 code" panel: the runnable script for the current settings, to copy or download, and the
same run as a Jupyter notebook; and the notebook of a lesson's code."""

from functools import lru_cache

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
SCRIPT_SHOWN = "script_shown"  # the "Show the script" expander, opened


def render_download(
    label: str, data: str | bytes, file_name: str, mime: str, *, where=st, icon: str = "download", **options
) -> None:
    """A download button handed its file, whose press does not rerun the page.

    The file is held by this session while its last full run drew the button, whatever other sessions
    do. A deferred file (made on the press) was held by no session: Streamlit 1.67 lets such a file go
    after any two script runs of any session, and with a class polling that came before a distant
    browser fetched it (tests/test_e2e.py::test_a_download_arrives_when_the_browser_fetches_it_late).
    The file's name on the server is a hash of its content, so a run that draws the same file keeps
    the button's address: the browser checks it once, when the button first shows.
    """
    where.download_button(
        label, data, file_name=file_name, mime=mime, icon=f":material/{icon}:", on_click="ignore", **options
    )


def render_code_export(config: LabConfig) -> None:
    """Show the script in a code block (with a copy button) and offer it, and the notebook, as downloads."""
    script = keras_script(config)
    st.caption(reproduction_note())
    shown = st.expander(
        "Show the script: data, layout, model, training with this shuffle and reset policy",
        key=SCRIPT_SHOWN,
        on_change="rerun",
    )
    if shown.open:  # drawn when opened: the highlighted script was a third of the Lab's page in the browser
        with shown:
            st.code(script, language="python", line_numbers=True)
    render_download(
        "Download the script", script, keras_script_filename(config), "text/x-python", key="download_script"
    )
    render_download(
        "Download as a Jupyter notebook",
        _notebook_text(config),
        keras_notebook_filename(config),
        NOTEBOOK_MIME,
        key="download_notebook",
        help="The same code as the script, step by step, with what each step does.",
    )
    if data_file_name(config):  # the script and the notebook read the series from a file beside them
        own = config.task == "own_series"
        render_download(
            "Download your series (CSV)" if own else "Download the CO2 series (CSV)",
            series_path(config.series).read_bytes() if own else _co2_bytes(),
            data_file_name(config),
            "text/csv",
            key="download_series",
        )


@lru_cache(maxsize=64)
def _notebook_text(config: LabConfig) -> str:
    """The run's notebook as text (made once per config: every run of the Lab page hands it to its button)."""
    return notebook_text(keras_notebook(config))


@lru_cache(maxsize=1)
def _co2_bytes() -> bytes:
    return CO2_CSV.read_bytes()


def render_lesson_code_notebook(filename: str, key: str) -> None:
    """A lesson code file as a notebook download (its code, the lesson files it imports and a run of it)."""
    render_download(
        "Download as a Jupyter notebook",
        _lesson_notebook_text(filename),
        lesson_code_notebook_filename(filename),
        NOTEBOOK_MIME,
        key=key,
        type="tertiary",
    )


@lru_cache(maxsize=64)
def _lesson_notebook_text(filename: str) -> str:
    """A lesson code file's notebook as text (made once per file)."""
    return notebook_text(lesson_code_notebook(filename))
