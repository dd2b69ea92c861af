"""Progress refreshes slow down as more sessions watch, so a class does not starve the workers."""

import pytest

from ui.runs import MAX_POLL, POLL_STEP, WATCHERS_PER_STEP, poll_interval


@pytest.mark.parametrize(
    ("watchers", "seconds"),
    [(0, POLL_STEP), (1, POLL_STEP), (WATCHERS_PER_STEP, POLL_STEP), (WATCHERS_PER_STEP + 1, 2 * POLL_STEP)],
)
def test_a_few_watchers_refresh_twice_a_second(watchers, seconds):
    assert poll_interval(watchers) == seconds


def test_a_whole_class_refreshes_less_often_but_never_too_slowly():
    intervals = [poll_interval(watchers) for watchers in range(1, 201)]
    assert intervals == sorted(intervals)  # never faster with more watchers
    assert poll_interval(30) == MAX_POLL == poll_interval(200)
    # refreshes per second over the whole server stay bounded as a class grows
    assert 100 / poll_interval(100) <= 100 / MAX_POLL < 2 * 10 / POLL_STEP
