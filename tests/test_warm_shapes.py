"""Warm workers: the form's common shapes compiled between jobs, without changing any result."""

import queue
from dataclasses import replace

import pytest
from test_training import TINY, digest

from statelab import LabConfig, run_lab
from statelab.server import warm_shapes
from statelab.server.warm_shapes import (
    COMMON_CHANGES,
    common_configs,
    compile_config,
    next_job,
    warm_up_steps,
)


@pytest.mark.training
def test_compiling_a_shape_leaves_the_next_run_unchanged():
    before = digest(run_lab(TINY))
    compile_config(replace(TINY, units=TINY.units + 1))  # another shape: a run on zeros in the engine
    compile_config(TINY)  # and this very shape, whose weights and optimizer it overwrites
    assert digest(run_lab(TINY)) == before


def test_the_default_comes_first_then_each_common_change_once_from_a_workers_own_place(monkeypatch):
    configs = common_configs()
    assert configs[0] == LabConfig() and len(set(configs)) == len(COMMON_CHANGES) + 1
    for changes, config in zip(COMMON_CHANGES, configs[1:], strict=True):
        assert config == replace(LabConfig(), **changes)
    compiled = []
    monkeypatch.setattr(warm_shapes, "compile_config", compiled.append)
    for step in warm_up_steps(start=len(COMMON_CHANGES) + 2):
        step()
    assert compiled == [configs[0], *configs[3:], *configs[1:3]]


def test_a_waiting_job_is_taken_before_the_next_warm_up_step():
    inbox, ran = queue.Queue(), []
    steps = [lambda: ran.append("first") or inbox.put("job"), lambda: ran.append("second")]
    assert next_job(inbox, steps) == "job"
    assert ran == ["first"] and len(steps) == 1  # the second step waits for the next idle moment
    inbox.put("another")
    assert next_job(inbox, steps) == "another" and ran == ["first"]
