"""LabConfig defaults, bounds and plain-language errors."""

import pytest

from statelab import TASKS, ConfigError, LabConfig
from statelab.engine.config import series_problems
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
