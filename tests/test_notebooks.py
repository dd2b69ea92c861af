"""The exported notebooks run top to bottom in a Jupyter kernel (nbclient, ipykernel on this Python).

A Lab run's notebook prints the engine's numbers bit for bit, as the script does (tests/test_codegen.py),
and the baselines the Lab shows beside them; a lesson code notebook runs the lesson's tested file.
"""

import asyncio
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from project import PATIENCE, ROOT, run_async
from series_example import example_series_id
from streamlit.testing.v1 import AppTest
from test_codegen import SCRIPT_ENVIRONMENT, SMALL, data_file
from traitlets.config import Config

from statelab import LabConfig, run_model
from statelab.engine.data import make_lab_data
from statelab.engine.scoring import chance_level, persistence_level, seasonal_level
from statelab.export.notebook import (
    keras_notebook,
    keras_notebook_filename,
    lesson_code_notebook,
    lesson_code_notebook_filename,
    notebook_text,
)
from statelab.export.script import data_file_name, export_steps, keras_script
from statelab.teaching.lesson_text import CODE_DIR, lesson_texts

KERNEL = "statelab-test"  # a kernelspec written for the tests: ipykernel on the Python running them
RUNS = {
    "cue": LabConfig(task="cue", batch_size=4, timesteps=5, units=8, **SMALL),
    "co2_forecast": LabConfig(task="forecast", batch_size=4, timesteps=10, units=8, **SMALL),
    "own_series": LabConfig(task="own_series", series=example_series_id(), batch_size=4, units=8, **SMALL),
    "gru_cue": LabConfig(task="cue", layer="gru", batch_size=4, timesteps=5, units=8, **SMALL),
}
# every lesson code file a lesson shows whole, so offers as a notebook
LESSON_FILES = sorted(
    {part for item in lesson_texts() for kind, part in item.parts if kind == "code" and "#" not in part}
)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Every notebook written as the Lab offers it, then executed at once, each in its own kernel."""
    folder = tmp_path_factory.mktemp("notebooks")
    kernels = folder / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "language": "python",
    }
    (kernels / "kernel.json").write_text(json.dumps({**spec, "display_name": "Stateful LSTM Lab (tests)"}))
    notebooks = {}
    for name, config in RUNS.items():
        notebooks[name] = folder / keras_notebook_filename(config)
        notebooks[name].write_text(notebook_text(keras_notebook(config)))
        if data_file_name(config):  # the series file, where the notebook says to put it
            shutil.copy(data_file(config), folder / data_file_name(config))
    for filename in LESSON_FILES:
        notebooks[filename] = folder / lesson_code_notebook_filename(filename)
        notebooks[filename].write_text(notebook_text(lesson_code_notebook(filename)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(folder))  # where nbclient finds the test kernelspec
        outcomes = run_async(_execute_all(list(notebooks.values())))
    return {name: (notebooks[name], outcome) for name, outcome in zip(notebooks, outcomes, strict=True)}


async def _execute_all(paths):
    """Execute the notebooks concurrently (the engine trains the same runs meanwhile, for the tests to
    compare); each outcome is the executed notebook or the exception."""
    environment = {**os.environ, **SCRIPT_ENVIRONMENT}
    runs = [_execute(path, environment) for path in paths]
    return (await asyncio.gather(*runs, asyncio.to_thread(engine_runs), return_exceptions=True))[:-1]


@functools.cache
def engine_runs() -> dict:
    """The stateful model of every run, trained by the Lab's engine."""
    return {name: run_model(config, "stateful") for name, config in RUNS.items()}


async def _execute(path, environment):
    """Run a notebook in a kernel that talks over Unix sockets, its stderr kept beside the notebook.

    A kernel died at its start in a fresh-clone run ("Kernel died before replying to kernel_info"), its
    stderr not kept. The likely cause: over TCP (Jupyter's default) a kernel's five ports are chosen free,
    let go, then bound by the kernel seconds later, while the suite's servers, browsers and clients open
    connections from the same range of ports. A socket in a file cannot be taken by another process.
    """
    notebook = nbformat.read(path, as_version=4)
    log = path.with_suffix(".kernel.log")
    # the sockets' absolute path (the kernel runs in the notebook's folder), short as Unix sockets need
    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets, open(log, "w") as stderr:
        client = NotebookClient(
            notebook,
            timeout=PATIENCE,
            kernel_name=KERNEL,
            resources={"metadata": {"path": str(path.parent)}},
            config=Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/ipc"}}),
        )
        try:
            await client.async_execute(env=environment, stderr=stderr)
        except RuntimeError as error:  # the kernel did not start or died: what it said is the evidence
            said = log.read_text()[-3000:]
            raise RuntimeError(f"{error}\nthe kernel's stderr ended with:\n{said}") from error
    return notebook


def printed(notebook) -> str:
    """Everything the notebook's cells printed."""
    streams = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    return "".join(out.get("text", "") for out in streams if out.output_type == "stream")


def notebook_of(executed, name):
    path, outcome = executed[name]
    if isinstance(outcome, BaseException):
        raise outcome
    return path, outcome


@pytest.mark.parametrize("name", RUNS)
def test_a_run_notebook_prints_the_labs_numbers_and_baselines(executed, name):
    config = RUNS[name]
    _, notebook = notebook_of(executed, name)
    last = printed(notebook).strip().splitlines()[-1]
    assert last.startswith("RESULT "), printed(notebook)[-2000:]
    result = json.loads(last.removeprefix("RESULT "))
    engine = engine_runs()[name]
    assert result["metric"] == engine.metric
    np.testing.assert_array_equal(np.float32(result["loss"]), engine.loss)
    np.testing.assert_array_equal(np.float32(result["by_window"]), engine.by_window)
    data = make_lab_data(config)  # the held-out data the Lab scores on, and its baselines
    guess = result["baselines"].pop("always the most common class", None)
    guess = result["baselines"].pop("always the held-out mean", guess)
    assert guess == pytest.approx(chance_level(data.spec, data.eval_y), rel=1e-6)
    if data.spec.forecast:
        expected = persistence_level(data.spec, data.eval_x, data.eval_y)
        assert result["baselines"].pop("persistence") == pytest.approx(expected, rel=1e-6)
        seasonal = result["baselines"].pop(f"seasonal naive, {data.period} steps back")
        assert data.period > 0 and seasonal == seasonal_level(data.eval_seasonal, data.eval_y)
    assert result["baselines"] == {}


@pytest.mark.parametrize("name", RUNS)
def test_a_run_notebook_explains_each_step_of_the_scripts_code(executed, name):
    config = RUNS[name]
    path, _ = notebook_of(executed, name)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and "bit for bit" in cells[0].source
    steps = export_steps(config, notebook=True)
    assert [cell.cell_type for cell in cells[1:]] == ["markdown", "code"] * len(steps)
    for step, (text, code) in zip(steps, zip(cells[1::2], cells[2::2], strict=True), strict=True):
        assert text.source.startswith(f"## {step.title}") and step.text in text.source
        assert code.source == step.code
    script = keras_script(config)
    assert all(step.code in script for step in steps[1:])  # the same code as the script, step for step
    # the notebook reads the series from its own folder, not from a command line it does not have
    assert "sys.argv" not in steps[0].code and "__file__" not in steps[0].code


@pytest.mark.parametrize("name", [*RUNS, *LESSON_FILES])
def test_a_notebook_is_lint_clean(executed, name):
    path, _ = executed[name]
    for command in (["check"], ["format", "--check"]):
        lint = [sys.executable, "-m", "ruff", *command, "--config", str(ROOT / "pyproject.toml"), str(path)]
        checked = subprocess.run(lint, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("filename", LESSON_FILES)
def test_every_lesson_code_notebook_runs_top_to_bottom(executed, filename):
    _, notebook = notebook_of(executed, filename)  # raises the cell's error if one failed
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    assert not [out for cell in code for out in cell.outputs if out.output_type == "error"]


def test_the_reset_code_notebook_shows_the_callback_at_work(executed):
    _, notebook = notebook_of(executed, "stateful_resets.py")
    output = printed(notebook)
    assert "stateful layers in model.layers: []" in output  # the nested model hides its LSTM
    assert re.search(r"found by stateful_layers: \['lstm\w*'\]", output)
    assert "second group = first group, with the callback: True" in output
    assert "second group = first group, without it: False" in output


def test_the_article_example_notebook_trains_and_scores_held_out_streams(executed):
    path, notebook = notebook_of(executed, "article_example_1.py")
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    # the lesson files as the lessons show them, in the order they import each other
    for cell, filename in zip(code, ("stateful_resets.py", "article_example_1.py"), strict=False):
        source = (CODE_DIR / filename).read_text()
        assert all(line in source for line in cell.splitlines())
    assert "from stateful_resets import" not in "\n".join(code)
    by_window = re.search(r"held-out accuracy by window: \[([\d. ]+)\]", printed(notebook))
    assert by_window, printed(notebook)[-2000:]
    accuracies = [float(value) for value in by_window[1].split()]
    assert len(accuracies) == 4 and all(0 <= value <= 1 for value in accuracies)
    assert "always guessing the most common label:" in printed(notebook)
    assert path.name == "article_example_1.ipynb"


@pytest.mark.training
def test_a_lesson_code_block_offers_its_notebook():
    def page():
        from statelab.teaching.lesson_text import code_block
        from ui.lesson_page import render_code

        for name, key in [
            ("stateful_resets.py", "whole"),
            ("stateful_resets.py#stateful_layers", "one_definition"),
        ]:
            render_code(name, code_block(name), key=key)

    app = AppTest.from_function(page, default_timeout=PATIENCE).run()
    assert not app.exception
    assert "class ResetAtStreamStart" in app.markdown[0].value
    assert app.markdown[1].value.startswith("```python\ndef stateful_layers")
    buttons = app.get("download_button")
    assert len(buttons) == 1  # the whole file's; one definition of it needs none
    assert buttons[0].proto.label == "Download as a Jupyter notebook"


def test_unknown_lesson_code_files_are_refused():
    with pytest.raises(ValueError, match="No lesson code file"):
        lesson_code_notebook("missing.py")
