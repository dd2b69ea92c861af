"""The training engine on tiny configs: determinism, shapes, progress, policies, storage."""

from dataclasses import replace

import numpy as np
import pytest

from statelab import LabConfig, run_lab, run_model
from statelab.results import load_result, save_result

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


def test_same_config_same_numbers(tiny_result):
    again = run_model(TINY, "stateful")
    np.testing.assert_allclose(again.loss, tiny_result.stateful.loss, rtol=1e-5)
    np.testing.assert_allclose(again.predictions, tiny_result.stateful.predictions, atol=1e-5)


def test_progress_reports_every_batch_of_both_models():
    seen = []
    run_lab(TINY, progress=seen.append)
    assert len(seen) == 2 * TINY.epochs * TINY.batches_per_epoch
    assert (seen[0].mode, seen[0].epoch, seen[0].batch) == ("stateful", 1, 1)
    assert (seen[-1].mode, seen[-1].epoch, seen[-1].batch) == ("stateless", 2, 6)


def test_trace_follows_the_carried_state(tiny_result):
    trace = tiny_result.stateful.trace
    assert trace.h.shape == (8, 3, 5, 8) and trace.incoming_h.shape == (8, 3, 8)
    # "sequence" resets before every held-out group: each stream starts from zero ...
    assert np.abs(trace.incoming_h[:, 0]).max() == 0
    # ... and each later window starts from the state the previous window ended with
    np.testing.assert_allclose(trace.incoming_h[:, 1:], trace.h[:, :-1, -1], atol=1e-5)
    np.testing.assert_allclose(trace.incoming_c[:, 1:], trace.c[:, :-1, -1], atol=1e-5)


def test_never_reset_carries_training_state_into_evaluation():
    trace = run_model(replace(TINY, reset="never"), "stateful").trace
    assert not trace.resets.any()
    assert np.abs(trace.incoming_h[:4, 0]).max() > 0  # stale state from training
    np.testing.assert_allclose(trace.incoming_h[4:, 0], trace.h[:4, -1, -1], atol=1e-5)


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
