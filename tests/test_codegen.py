"""The exported Keras 3 script runs on its own and reproduces the engine's numbers for the same config."""

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import keras
import numpy as np
import pytest
from forked import Outcome, preloaded
from project import ROOT
from series_example import example_series_id

from statelab import TASKS, LabConfig, run_model
from statelab.engine.data import make_lab_data
from statelab.engine.scoring import chance_level, persistence_level, seasonal_level
from statelab.engine.storage import series_path
from statelab.engine.tasks import CO2_CSV, TASK_SPECS, TaskData
from statelab.export.script import keras_script, keras_script_filename
from statelab.server.worker import tensorflow_thread_environment

# several scripts run at once on few cores: one thread each avoids oversubscription
SCRIPT_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "2", **tensorflow_thread_environment()}
# small runs; the cue configs below have the shapes of test_engine's and test_training's TINY runs (batch 4,
# 5 steps, 8 units, 3 windows, 2 held-out groups): a suite compiles their programs once for all of them
SMALL = {"n_windows": 3, "n_groups": 2, "epochs": 3, "eval_groups": 2}
CONFIGS = {
    "cue": LabConfig(task="cue", batch_size=4, timesteps=5, units=8, **SMALL),
    "running_total_never": LabConfig(
        task="running_total", batch_size=4, timesteps=5, units=8, reset="never", **SMALL
    ),
    "article_binary": LabConfig(task="article_binary", batch_size=10, timesteps=50, units=64, **SMALL),
    "article_multiclass_shuffle_batch": LabConfig(
        task="article_multiclass", batch_size=20, timesteps=30, units=128, shuffle="batch", **SMALL
    ),
    "article_seq2seq_reset_batch": LabConfig(
        task="article_seq2seq", batch_size=5, timesteps=20, units=32, reset="batch", **SMALL
    ),
    "forecast_shuffle_reset_epoch": LabConfig(
        task="forecast", batch_size=4, timesteps=10, units=8, shuffle=True, reset="epoch", **SMALL
    ),
    "own_series": LabConfig(task="own_series", series=example_series_id(), batch_size=4, units=8, **SMALL),
    "gru_cue": LabConfig(task="cue", layer="gru", batch_size=4, timesteps=5, units=8, **SMALL),
    "simple_rnn_forecast_reset_never": LabConfig(
        task="forecast", layer="simple_rnn", batch_size=4, timesteps=10, units=8, reset="never", **SMALL
    ),
}


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """Every config's script, written to a file and started at once (each in a process forked from one
    that imported Keras and NumPy, what every script imports first: tests/forked.py): name -> (file, a
    call that waits for its outcome). The notebooks (tests/test_notebooks.py) run four of these exports
    in kernels of their own."""
    folder = tmp_path_factory.mktemp("scripts")
    environment = {**os.environ, **SCRIPT_ENVIRONMENT}
    with preloaded(["keras", "numpy"]) as process:
        started = {}
        for name, config in CONFIGS.items():
            path = folder / keras_script_filename(config)
            path.write_text(keras_script(config))
            arguments = [str(data_file(config))] if config.task in ("forecast", "own_series") else []
            started[name] = (
                path,
                partial(process.outcome, process.start(path, arguments, environment, folder)),
            )
        yield started


def data_file(config: LabConfig) -> Path:
    """The series file a script reads: the shipped CO2 series or the stored upload."""
    return CO2_CSV if config.task == "forecast" else series_path(config.series)


def script_result(script: tuple[Path, Callable[[], Outcome]]) -> dict:
    ended = script[1]()
    assert ended.code == 0, ended.stderr[-3000:]
    last = ended.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), ended.stdout[-2000:]
    return json.loads(last.removeprefix("RESULT "))


@pytest.mark.parametrize("name", CONFIGS)
def test_script_reproduces_the_engine_bit_for_bit(scripts, name):
    config = CONFIGS[name]
    engine = run_model(config, "stateful")
    result = script_result(scripts[name])
    assert result["metric"] == engine.metric
    # same data, layout, initial weights, resets and XLA arithmetic: identical float32 numbers
    np.testing.assert_array_equal(np.float32(result["loss"]), engine.loss)
    np.testing.assert_array_equal(np.float32(result["by_window"]), engine.by_window)


@pytest.mark.parametrize("name", ["forecast_shuffle_reset_epoch", "own_series"])
def test_a_forecast_script_prints_the_labs_baselines_the_seasonal_naive_one_included(scripts, name):
    config = CONFIGS[name]
    baselines = script_result(scripts[name])["baselines"]
    data = make_lab_data(config)  # what the Lab scores on, and the baselines it shows
    assert data.period == {"forecast": 52, "own_series": 25}[config.task]  # CO2's year; the example's cycle
    assert baselines == {
        "always the held-out mean": pytest.approx(chance_level(data.spec, data.eval_y), rel=1e-6),
        "persistence": pytest.approx(persistence_level(data.spec, data.eval_x, data.eval_y), rel=1e-6),
        f"seasonal naive, {data.period} steps back": seasonal_level(data.eval_seasonal, data.eval_y),
    }


def test_a_season_the_learner_set_goes_into_the_script():
    config = LabConfig(task="own_series", series=example_series_id(), period=12, batch_size=4, **SMALL)
    assert "generate = make_series_forecast(str(SERIES_CSV), period=12)" in keras_script(config)


def test_the_header_says_how_exactly_the_script_reproduces_the_lab():
    header = " ".join(keras_script(LabConfig()).split('"""')[1].split())  # as one line: wrapping aside
    assert "bit for bit" in header and "jit_compile=True" in header
    assert f"Keras {keras.__version__}" in header


def imported_modules(source: str) -> set[str]:
    nodes = list(ast.walk(ast.parse(source)))
    modules = {alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names}
    return modules | {node.module for node in nodes if isinstance(node, ast.ImportFrom)}


@pytest.mark.parametrize("name", CONFIGS)
def test_script_is_keras_3_and_lint_clean(scripts, name):
    path = scripts[name][0]
    text = path.read_text()
    assert "batch_input_shape" not in text and "reset_states" not in text
    imported = imported_modules(text)
    assert {"keras", "numpy"} <= imported and not any(name.startswith("statelab") for name in imported)
    for command in (["check"], ["format", "--check"]):
        lint = [sys.executable, "-m", "ruff", *command, "--config", str(ROOT / "pyproject.toml"), str(path)]
        checked = subprocess.run(lint, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_filename_names_task_layout_and_broken_policies():
    assert keras_script_filename(LabConfig()) == "stateful_lstm_cue_b16_t10.py"
    broken = LabConfig(task="running_total", batch_size=8, timesteps=5, shuffle=True, reset="never")
    assert keras_script_filename(broken) == "stateful_lstm_running_total_b8_t5_shuffle_reset_never.py"
    assert keras_script_filename(LabConfig(layer="simple_rnn")) == "stateful_simple_rnn_cue_b16_t10.py"


@pytest.mark.parametrize(("layer", "keras_class"), [("gru", "GRU"), ("simple_rnn", "SimpleRNN")])
def test_a_script_builds_the_configs_keras_layer_and_resets_it_by_name(layer, keras_class):
    tree = ast.parse(keras_script(LabConfig(layer=layer)))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    built = [ast.unparse(call.func) for call in calls if ast.unparse(call.func).startswith("keras.layers.")]
    assert f"keras.layers.{keras_class}" in built and "keras.layers.LSTM" not in built
    resets = [ast.unparse(call) for call in calls if ast.unparse(call.func) == "self.model.get_layer"]
    assert resets == [f"self.model.get_layer('{layer}')"]


@pytest.mark.parametrize("task", TASKS)
def test_every_task_exports_valid_python(task):
    series = example_series_id() if task == "own_series" else ""
    config = LabConfig(
        task=task, series=series, batch_size=4, timesteps=5, n_windows=2, shuffle="batch", reset="epoch"
    )
    compile(keras_script(config), keras_script_filename(config), "exec")


def test_a_generator_from_outside_tasks_py_cannot_be_exported(monkeypatch):
    uploaded = np.zeros((256, 80), dtype=np.float32)  # say, a learner's own CSV

    def generate(rng, n_streams, length, timesteps):
        return TaskData(uploaded[:n_streams, :length, None], uploaded[:n_streams, :length])

    monkeypatch.setitem(TASK_SPECS, "cue", replace(TASK_SPECS["cue"], generate=generate))
    with pytest.raises(ValueError, match="cannot be exported"):
        keras_script(LabConfig())
