"""The training engine on tiny configs: determinism, shapes, progress, policies, storage."""

import hashlib
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from statelab import LabConfig, run_lab, run_model
from statelab.engine import compiled as engine
from statelab.engine.results import LabResult, load_result, save_result
from statelab.engine.tasks import task_spec

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TINY = LabConfig(batch_size=4, timesteps=5, n_windows=3, n_groups=2, units=8, epochs=2, eval_groups=2)


@pytest.fixture(scope="module")
def tiny_result():
    return run_lab(TINY)


def test_shapes_and_metrics(tiny_result):
    for model in (tiny_result.stateful, tiny_result.stateless):
        assert model.loss.shape == (2,) and np.isfinite(model.loss).all()
        assert model.accuracy_by_window.shape == (3,)
        assert model.predictions.shape == model.targets.shape == (8, 3)
        assert 0 <= model.score <= 1
    with pytest.raises(ValueError, match="classification"):
        tiny_result.stateful.error_by_window  # noqa: B018


def digest(result: LabResult) -> str:
    """A hash of every number a run produces: equal digests mean bit-for-bit equal results."""
    numbers = hashlib.sha256()
    for model in (result.stateful, result.stateless):
        for array in (model.loss, model.by_window, model.predictions, *model.weights):
            numbers.update(np.ascontiguousarray(array).tobytes())
    trace = result.stateful.trace
    for array in (trace.h, trace.c, trace.incoming_h, trace.incoming_c, trace.train_entering_h):
        if array is not None:  # a GRU or SimpleRNN keeps no c
            numbers.update(np.ascontiguousarray(array).tobytes())
    return numbers.hexdigest()


def test_warm_and_cold_engines_give_identical_numbers(tiny_result):
    other = replace(TINY, seed=3, shuffle=True, reset="never", learning_rate=0.05)  # the same shapes
    assert digest(run_lab(other)) != digest(tiny_result)
    assert digest(run_lab(TINY)) == digest(tiny_result)  # reused engines, after another run
    for mode in ("stateful", "stateless"):  # compiled once: other seeds and policies reuse the programs
        built = engine._ENGINES[engine.Shape.of(task_spec("cue"), TINY, mode)]
        assert built.train_epoch.experimental_get_tracing_count() == 1
        assert built.evaluate.experimental_get_tracing_count() == 1
    engine._ENGINES.clear()  # built again: a cold start in this process
    assert digest(run_lab(TINY)) == digest(tiny_result)


@pytest.mark.slow
def test_a_fresh_process_gives_identical_numbers(tiny_result):
    run = (
        "import sys; sys.path.insert(0, 'tests'); from test_training import TINY, digest; "
        "from statelab import run_lab; print(digest(run_lab(TINY)))"
    )
    fresh = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, cwd=ROOT)
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert fresh.stdout.split()[-1] == digest(tiny_result)


@pytest.mark.training
def test_engines_are_kept_per_shape_and_bounded(monkeypatch):
    monkeypatch.setattr(engine, "_ENGINES", type(engine._ENGINES)())
    monkeypatch.setattr(engine, "MAX_ENGINES", 2)
    spec = task_spec("cue")
    shapes = [engine.Shape.of(spec, replace(TINY, units=units), "stateless") for units in (2, 3, 4)]
    first = engine.engine_for(spec, shapes[0])
    assert engine.engine_for(spec, shapes[0]) is first
    engine.engine_for(spec, shapes[1])
    engine.engine_for(spec, shapes[0])  # used again: now the most recent
    engine.engine_for(spec, shapes[2])
    assert engine.cached_shapes() == [shapes[0], shapes[2]]


@pytest.mark.training
def test_a_new_engine_compiles_its_evaluation_beside_training_and_changes_no_number(tiny_result, monkeypatch):
    """Issue 21: a new engine starts its evaluation program in a thread at once; the run waits for it
    before it evaluates, and gives the numbers of a run on programs compiled before."""
    monkeypatch.setattr(engine, "_ENGINES", type(engine._ENGINES)())  # every shape's engine new again
    spec = task_spec("cue")
    new = engine.engine_for(spec, engine.Shape.of(spec, TINY, "stateful"))
    assert new.aside is not None and new.aside.name == "compile-evaluation"
    again = run_lab(TINY)
    assert new.aside is None  # waited for before the held-out batches ran
    assert digest(again) == digest(tiny_result)


@pytest.mark.training
def test_progress_reports_every_epoch_of_both_models():
    seen = []
    run_lab(TINY, progress=seen.append)
    assert len(seen) == 2 * TINY.epochs
    assert (seen[0].mode, seen[0].epoch, seen[0].batch) == ("stateful", 1, 6)
    assert (seen[-1].mode, seen[-1].epoch, seen[-1].batch) == ("stateless", 2, 6)
    assert all(progress.batches == TINY.batches_per_epoch for progress in seen)


def test_trace_follows_the_carried_state(tiny_result):
    trace = tiny_result.stateful.trace
    assert trace.h.shape == (8, 3, 5, 8) and trace.incoming_h.shape == (8, 3, 8)
    # "sequence" resets before every held-out group: each stream starts from zero ...
    assert np.abs(trace.incoming_h[:, 0]).max() == 0
    # ... and each later window starts from the state the previous window ended with
    np.testing.assert_allclose(trace.incoming_h[:, 1:], trace.h[:, :-1, -1], atol=1e-5)
    np.testing.assert_allclose(trace.incoming_c[:, 1:], trace.c[:, :-1, -1], atol=1e-5)


@pytest.mark.training
@pytest.mark.parametrize("layer", ["gru", "simple_rnn"])
def test_a_one_state_layer_traces_h_only_and_round_trips(layer, tmp_path):
    result = run_lab(replace(TINY, layer=layer))
    trace = result.stateful.trace
    assert trace.c is None and trace.incoming_c is None
    assert trace.h.shape == (8, 3, 5, 8) and np.abs(trace.incoming_h[:, 0]).max() == 0
    np.testing.assert_allclose(trace.incoming_h[:, 1:], trace.h[:, :-1, -1], atol=1e-5)
    save_result(result, tmp_path / "r.npz")
    loaded = load_result(tmp_path / "r.npz")
    assert loaded.config.layer == layer and loaded.stateful.trace.c is None
    assert digest(loaded) == digest(result)


@pytest.mark.training
def test_never_reset_carries_training_state_into_evaluation():
    trace = run_model(replace(TINY, reset="never"), "stateful").trace
    assert not trace.resets.any()
    assert np.abs(trace.incoming_h[:4, 0]).max() > 0  # stale state from training
    np.testing.assert_allclose(trace.incoming_h[4:, 0], trace.h[:4, -1, -1], atol=1e-5)


@pytest.mark.training
def test_regression_and_multiclass_tasks_run():
    tiny = {"timesteps": 4, "n_windows": 2, "n_groups": 1, "units": 4, "epochs": 1, "eval_groups": 1}
    seq = run_model(LabConfig(task="article_seq2seq", batch_size=5, **tiny), "stateless")
    assert seq.error_by_window.shape == (2,) and seq.predictions.shape == (5, 2, 4)
    multi = run_model(
        LabConfig(task="article_multiclass", batch_size=4, **{**tiny, "timesteps": 3}), "stateful"
    )
    assert set(np.unique(multi.predictions)) <= set(range(10))


def test_results_round_trip_through_disk(tiny_result, tmp_path):
    save_result(tiny_result, tmp_path / "r.npz")
    loaded = load_result(tmp_path / "r.npz")
    assert loaded.config == TINY and loaded.chance == tiny_result.chance
    np.testing.assert_array_equal(loaded.stateful.trace.h, tiny_result.stateful.trace.h)
    for a, b in zip(loaded.stateless.weights, tiny_result.stateless.weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_unknown_mode_is_explained():
    with pytest.raises(ValueError, match="Unknown mode"):
        run_model(TINY, "bidirectional")


def test_training_trace_records_the_last_epoch(tiny_result):
    entering = tiny_result.stateful.trace.train_entering_h
    assert entering.shape == (TINY.batches_per_epoch, TINY.batch_size)
    starts = np.arange(0, TINY.batches_per_epoch, TINY.n_windows)
    assert np.all(entering[starts] == 0) and np.all(entering[starts + 1] > 0)
