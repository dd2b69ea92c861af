"""The stateful batch layout contract, shuffling, resets and the continuity check."""

import numpy as np
import pytest

from statelab import LabConfig, batch_layout
from statelab.engine.layout import continuity, make_windows, reset_mask, shuffle_order, stateful_order


def test_windows_are_consecutive_slices_of_each_stream():
    streams = np.arange(2 * 12).reshape(2, 12)
    windows = make_windows(streams, 4)
    assert windows.shape == (2, 3, 4)
    np.testing.assert_array_equal(windows[1, 2], [20, 21, 22, 23])


def test_row_i_of_batch_k_plus_1_continues_row_i_of_batch_k():
    streams, windows = stateful_order(n_streams=8, n_windows=3, batch_size=4)
    stream, window = streams.reshape(-1, 4), windows.reshape(-1, 4)
    for batch in range(len(stream) - 1):
        if window[batch + 1, 0] == 0:  # the next group starts
            assert set(stream[batch + 1]).isdisjoint(stream[batch])
            continue
        np.testing.assert_array_equal(stream[batch + 1], stream[batch])
        np.testing.assert_array_equal(window[batch + 1], window[batch] + 1)
    # batch k holds window k of every stream in the first group
    np.testing.assert_array_equal(stream[:3], [[0, 1, 2, 3]] * 3)
    np.testing.assert_array_equal(window[:3, 0], [0, 1, 2])


def test_streams_not_a_multiple_of_batch_size_is_explained():
    with pytest.raises(ValueError, match="30 streams is not a multiple of batch size 8.*24 or 32"):
        stateful_order(n_streams=30, n_windows=2, batch_size=8)


def test_window_longer_than_stream_is_explained():
    with pytest.raises(ValueError, match="window of 9 steps does not fit in a stream of 8"):
        make_windows(np.zeros((2, 8)), 9)


def test_correct_layout_has_full_continuity():
    layout = batch_layout(LabConfig(batch_size=4, n_windows=3, n_groups=2, epochs=2))
    assert layout.continuity_score == 1.0
    assert layout.stream.shape == (2, 6, 4)


def test_shuffle_breaks_continuity():
    shuffled = batch_layout(LabConfig(batch_size=8, n_windows=4, n_groups=4, epochs=2, shuffle=True))
    assert shuffled.continuity_score < 0.15
    within = batch_layout(LabConfig(batch_size=8, n_windows=4, n_groups=4, epochs=2, shuffle="batch"))
    # rows shuffled within a batch land in their own row with chance 1/8
    assert 0.05 < within.continuity_score < 0.45


def test_hand_made_swap_is_flagged_exactly():
    stream = np.array([[0, 1], [1, 0], [1, 0]])
    window = np.array([[0, 0], [1, 1], [2, 2]])
    resets = np.array([True, False, False])
    np.testing.assert_array_equal(continuity(stream, window, resets), [[1, 1], [0, 0], [1, 1]])


def test_skipped_resets_leave_stale_state_at_stream_starts():
    never = batch_layout(LabConfig(batch_size=4, n_windows=4, n_groups=3, epochs=2, reset="never"))
    # only the very first batch starts fresh; every other window-0 row inherits another stream's state
    assert never.continues[never.window == 0].sum() == 4
    assert never.continues[never.window > 0].all()
    every_batch = batch_layout(LabConfig(batch_size=4, n_windows=4, n_groups=3, epochs=1, reset="batch"))
    assert not every_batch.continues[every_batch.window > 0].any()


def test_reset_masks():
    np.testing.assert_array_equal(reset_mask(6, 3, "sequence"), [1, 0, 0, 1, 0, 0])
    np.testing.assert_array_equal(reset_mask(4, 2, "epoch"), [1, 0, 0, 0])
    assert not reset_mask(4, 2, "never").any()
    assert reset_mask(4, 2, "batch").all()
    with pytest.raises(ValueError, match="Unknown reset policy"):
        reset_mask(4, 2, "sometimes")


def test_shuffle_is_a_fresh_permutation_each_epoch():
    layout = batch_layout(LabConfig(batch_size=4, n_windows=2, n_groups=2, epochs=3, shuffle=True))
    orders = [tuple(layout.stream[e].ravel() * 10 + layout.window[e].ravel()) for e in range(3)]
    assert len(set(orders)) == 3
    assert all(sorted(order) == sorted(orders[0]) for order in orders)


def test_batch_shuffle_keeps_batch_membership():
    rng = np.random.default_rng(0)
    order = shuffle_order(12, "batch", 4, rng).reshape(3, 4)
    for batch, members in enumerate(order):
        assert sorted(members) == list(range(batch * 4, batch * 4 + 4))
