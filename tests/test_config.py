"""LabConfig defaults, bounds and plain-language errors."""

import hashlib
import json
from dataclasses import asdict

import pytest

from statelab import TASKS, ConfigError, LabConfig
from statelab.engine.config import LAYERS, RESULTS_VERSION, from_query, series_problems, to_query
from statelab.engine.data import make_lab_data
from statelab.teaching.limits import training_warnings


def test_defaults_are_the_labs_first_run():
    config = LabConfig()
    assert (config.task, config.reset, config.shuffle) == ("cue", "sequence", False)
    assert config.n_streams == 256 and config.stream_length == 80 and config.batches_per_epoch == 128


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"batch_size": 0}, "batch_size", "between 1 and 256"),
        ({"timesteps": -3}, "timesteps", "between 1 and 200"),
        ({"task": "weather"}, "task", "Unknown task 'weather'"),
        ({"reset": "sometimes"}, "reset", "Unknown reset policy"),
        ({"shuffle": "rows"}, "shuffle", "shuffle must be"),
        (
            {"layer": "transformer"},
            "layer",
            "Unknown layer 'transformer': choose one of lstm, gru, simple_rnn",
        ),
        ({"layer": 3}, "layer", "layer must be a text id"),
        ({"epochs": 2.5}, "epochs", "whole number"),
        ({"epochs": 100, "n_groups": 64, "n_windows": 64}, "epochs", "too large"),
    ],
)
def test_impossible_configs_are_explained(changes, field, words):
    with pytest.raises(ConfigError, match=words) as error:
        LabConfig(**changes)
    assert field in [name for name, _ in error.value.problems]
    assert isinstance(error.value, ValueError)


def test_a_config_is_a_pure_value_and_the_series_is_checked_where_it_is_loaded(monkeypatch):
    too_long = {"task": "forecast", "n_windows": 22, "timesteps": 50, "epochs": 1, "n_groups": 1}
    monkeypatch.setattr(
        "statelab.engine.tasks.load_co2_series", lambda: pytest.fail("the config read the disk")
    )
    config = LabConfig(**too_long)  # no disk read, no error: a plain value
    monkeypatch.undo()
    problems = series_problems(config)
    assert [name for name, _ in problems] == ["n_windows"]
    assert "does not fit the CO2 series (2232 values) twice" in problems[0][1]
    assert "At most 21 windows of 50 steps fit" in problems[0][1]
    with pytest.raises(ConfigError, match="does not fit the CO2 series"):
        make_lab_data(config)
    assert series_problems(LabConfig(task="forecast", n_windows=21, timesteps=50, epochs=1, n_groups=1)) == []


def test_key_changes_with_every_setting():
    assert LabConfig().key() == LabConfig().key()
    assert LabConfig(seed=1).key() != LabConfig().key()
    assert len({LabConfig(layer=layer).key() for layer in LAYERS}) == len(LAYERS)


def test_an_lstm_run_keeps_the_key_it_had_before_the_layer_was_a_setting():
    settings = {name: value for name, value in asdict(LabConfig(seed=4)).items() if name != "layer"}
    text = json.dumps({**settings, "results_version": RESULTS_VERSION}, sort_keys=True)
    assert LabConfig(seed=4).key() == hashlib.sha256(text.encode()).hexdigest()[:20]


def test_the_layer_travels_in_the_url_and_an_unknown_one_falls_back_with_a_note():
    config = LabConfig(layer="simple_rnn", seed=3)
    assert to_query(config) == {"layer": "simple_rnn", "seed": "3"}
    assert from_query(to_query(config)) == (config, [])
    fallback, notes = from_query({"layer": "lsmt", "seed": "3"})
    assert fallback == LabConfig(seed=3) and "Unknown layer 'lsmt'" in notes[0]


def test_task_list_covers_the_design():
    expected = {"cue", "running_total", "control", "article_binary", "article_multiclass"}
    assert expected | {"article_seq2seq", "forecast"} <= set(TASKS)


def test_settings_outside_the_cue_tasks_measured_range_are_warned_about_before_training():
    assert training_warnings(LabConfig()) == []
    warnings = dict(training_warnings(LabConfig(batch_size=8, timesteps=20, n_windows=16)))
    assert set(warnings) == {"batch_size", "timesteps", "n_windows"}
    assert warnings["timesteps"].startswith("The cue task learns reliably with timesteps at most 10.")
    assert "on none with 20" in warnings["timesteps"]
    assert training_warnings(LabConfig(task="control", timesteps=20)) == []


def test_with_another_layer_the_lstms_limits_give_way_to_one_note_beside_the_layer():
    assert [name for name, _ in training_warnings(LabConfig(timesteps=20))] == ["timesteps"]
    for layer in ("gru", "simple_rnn"):
        notes = training_warnings(LabConfig(layer=layer, timesteps=20, n_windows=16))
        assert [name for name, _ in notes] == ["layer"]
        assert notes[0][1].startswith("With this layer the cue task was measured at the default settings")
    assert training_warnings(LabConfig(task="control", layer="gru")) == []
