"""Continuity views: the batch-layout diagram draws exactly the right arrows; the state trace marks resets."""

import re

import numpy as np
import pytest

from statelab import BatchLayout, LabConfig, StateTrace, batch_layout
from statelab.charts.continuity import (
    plot_gradient_boundary,
    plot_layout,
    plot_row_trace,
    plot_state_trace,
    plot_stateless_windows,
)
from statelab.charts.lab import BROKEN_COLOR, SUBTITLE_WIDTH
from statelab.engine.layout import continuity

SUBTITLE_LINE = re.compile(r"<span[^>]*>(.*?)</span>")

CARRIES, FOREIGN = "state carries over", "state from another stream"


def trace_named(figure, name):
    matches = [trace for trace in figure.data if trace.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}"
    return matches[0]


def arrows(figure, name):
    """(target batch, row) of every arrow of a kind; each arrow is a segment x0 -> x1 at row y."""
    trace = trace_named(figure, name)
    ends = [(x, y) for index, (x, y) in enumerate(zip(trace.x, trace.y, strict=True)) if index % 3 == 1]
    return {(round(x), y) for x, y in ends}


def expected_arrows(layout, epoch, batches, rows):
    """Arrows the diagram must draw: every shown row of every shown batch without a reset before it."""
    right, wrong = set(), set()
    for batch in batches:
        if not layout.resets[epoch, batch]:
            for row in rows:
                (right if layout.continues[epoch, batch, row] else wrong).add((batch, row))
    return right, wrong


def hand_made_swap():
    """Two streams swap rows in batch 1: both arrows into batch 1 are wrong, both into batch 2 right."""
    stream = np.array([[0, 1], [1, 0], [1, 0]])
    window = np.array([[0, 0], [1, 1], [2, 2]])
    resets = np.array([True, False, False])
    continues = continuity(stream, window, resets)
    return BatchLayout(stream[None], window[None], resets[None], continues[None])


def test_hand_made_swap_draws_exactly_two_broken_arrows():
    figure = plot_layout(hand_made_swap())
    assert arrows(figure, FOREIGN) == {(1, 0), (1, 1)}
    assert arrows(figure, CARRIES) == {(2, 0), (2, 1)}
    foreign = trace_named(figure, FOREIGN)
    assert foreign.line.color == BROKEN_COLOR and foreign.line.dash == "dash"
    assert trace_named(figure, CARRIES).line.dash == "solid"
    assert [x for x in trace_named(figure, "reset").x if x is not None] == [-0.5, -0.5]
    assert "state continuity in this pass: 67%" in figure.layout.title.text


@pytest.mark.parametrize("shuffle", [False, True, "batch"])
def test_every_arrow_matches_the_layout(shuffle):
    config = LabConfig(batch_size=8, n_windows=4, n_groups=3, epochs=2, shuffle=shuffle)
    layout = batch_layout(config)
    figure = plot_layout(layout, epoch=1)
    right, wrong = expected_arrows(layout, 1, range(12), range(8))
    assert arrows(figure, CARRIES) == right
    assert arrows(figure, FOREIGN) == wrong
    reset_bars = {x + 0.5 for x in trace_named(figure, "reset").x if x is not None}
    assert reset_bars == {0, 4, 8}  # the "sequence" policy: before every stream group


def test_continuity_scores_of_correct_and_shuffled_layouts():
    config = {"batch_size": 8, "n_windows": 4, "n_groups": 4, "epochs": 4}
    assert batch_layout(LabConfig(**config)).continuity_score == 1.0
    shuffled = batch_layout(LabConfig(**config, shuffle=True))
    assert shuffled.continuity_score < 0.15
    assert shuffled.continues[shuffled.window > 0].mean() < 0.05
    within = batch_layout(LabConfig(**config, shuffle="batch"))
    # a row needing carried state lands in its own row again with chance 1 / batch_size
    assert 0.5 / 8 < within.continues[within.window > 0].mean() < 2 / 8


def test_large_layout_is_truncated_and_says_so():
    layout = batch_layout(LabConfig(batch_size=64, n_windows=8, n_groups=16, timesteps=5, epochs=1))
    figure = plot_layout(layout)
    assert "showing 12 of 128 batches, 16 of 64 rows" in figure.layout.title.text
    # Plotly never wraps a title: the subtitle is broken between its clauses to fit a narrow chart.
    lines = SUBTITLE_LINE.findall(figure.layout.title.text)
    assert lines == ["state continuity in this pass: 100%", "showing 12 of 128 batches, 16 of 64 rows"]
    assert list(figure.layout.xaxis.tickvals) == list(range(12))
    assert len(trace_named(figure, "cells").x) == 12 * 16
    every_row = plot_layout(layout, max_rows=64)
    cells = trace_named(every_row, "cells")
    assert every_row.layout.uniformtext.mode == "hide"  # labels too big for their cell disappear ...
    assert every_row.layout.uniformtext.minsize >= 13
    assert len(cells.hovertext) == 12 * 64 and "stream" in cells.hovertext[0]  # ... hover still tells
    assert every_row.layout.height > figure.layout.height


def test_small_layout_is_labelled_and_not_truncated():
    figure = plot_layout(batch_layout(LabConfig(batch_size=4, n_windows=3, n_groups=2, epochs=1)))
    assert "showing" not in figure.layout.title.text
    assert trace_named(figure, "cells").text[:2] == ("s0 w0", "s1 w0")
    assert figure.layout.font.size >= 13 and figure.layout.template.layout.paper_bgcolor == "white"
    assert figure.layout.xaxis.title.text == "batch (k)" and figure.layout.yaxis.title.text == "batch row (i)"


def test_highlight_outlines_a_batch_and_keeps_it_in_view():
    layout = batch_layout(LabConfig(batch_size=4, n_windows=8, n_groups=16, timesteps=5, epochs=1))
    figure = plot_layout(layout, highlight=100)
    (box,) = [shape for shape in figure.layout.shapes if shape.name == "highlight"]
    assert box.x0 < 100 < box.x1
    assert 100 in figure.layout.xaxis.tickvals


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"epoch": 1}, "epoch must be a whole number from 0 to 0"),
        ({"highlight": 6}, "highlight"),
        ({"max_rows": 0}, "max_rows"),
    ],
)
def test_bad_layout_arguments_are_explained(arguments, message):
    layout = batch_layout(LabConfig(batch_size=4, n_windows=3, n_groups=2, epochs=1))
    with pytest.raises(ValueError, match=message):
        plot_layout(layout, **arguments)


def test_stateless_windows_have_no_arrows_and_start_from_zero():
    figure = plot_stateless_windows(n_windows=20, batch_size=32)
    names = {trace.name for trace in figure.data}
    assert CARRIES not in names and FOREIGN not in names
    assert "each window starts from zero" in figure.layout.title.text.replace(
        "<br>", " "
    )  # a long title wraps
    assert "showing 12 of 20 batches, 16 of 32 rows" in figure.layout.title.text
    assert len(trace_named(figure, "starts from zero state").x) == 12 * 16
    with pytest.raises(ValueError, match="batch_size"):
        plot_stateless_windows(n_windows=3, batch_size=0)


@pytest.fixture(scope="module")
def real_trace():
    from statelab import run_model

    config = LabConfig(batch_size=4, timesteps=5, n_windows=3, n_groups=2, units=8, epochs=1, eval_groups=2)
    return run_model(config, "stateful").trace


def test_state_trace_of_a_real_run_marks_resets_and_boundaries(real_trace):
    figure = plot_state_trace(real_trace)
    assert [trace.name for trace in figure.data[:3]] == ["stream 0", "stream 1", "stream 2"]
    assert len(figure.data[0].x) == 3 * (5 + 1)  # the state entering each window, then 5 steps
    boundaries = [shape for shape in figure.layout.shapes if shape.name == "window boundary"]
    assert sorted(shape.x0 for shape in boundaries) == [4.5, 9.5]
    assert all(shape.line.dash == "dot" for shape in boundaries)
    resets = trace_named(figure, "reset")
    assert list(resets.x) == [-0.5] * 3  # "sequence": reset before window 0 of every stream
    entering = trace_named(figure, "state entering a window")
    assert len(entering.x) == 3 * 3
    assert entering.y[0] == 0.0 and entering.y[1] > 0  # fresh start, then carried state
    assert "‖c‖" in plot_state_trace(real_trace, streams=[4], quantity="c").layout.yaxis.title.text


def hand_made_trace(resets):
    rng = np.random.default_rng(0)
    steps = rng.random((8, 3, 5, 6))
    return StateTrace(steps, steps, steps[:, :, -1] + 1, steps[:, :, -1] + 1, np.array(resets))


def test_state_trace_finds_each_streams_group_and_shows_stale_state():
    # two groups of 4 streams; only group 0 is reset before its first window
    trace = hand_made_trace([True, False, False, False, False, False])
    figure = plot_state_trace(trace, streams=[1, 5])
    assert list(trace_named(figure, "reset").x) == [-0.5]
    entering = trace_named(figure, "state entering a window")
    stream_5_start = entering.y[3]
    assert stream_5_start > 0 and "no reset" in entering.hovertext[3]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"quantity": "x"}, "quantity"),
        ({"streams": [8]}, "stream ids from 0 to 7"),
        ({"streams": []}, "non-empty"),
    ],
)
def test_bad_trace_arguments_are_explained(arguments, message):
    with pytest.raises(ValueError, match=message):
        plot_state_trace(hand_made_trace([False] * 6), **arguments)
    with pytest.raises(ValueError, match="reset flags"):
        plot_state_trace(hand_made_trace([False] * 5))


def test_gradient_figure_shows_both_settings():
    result = {
        "stateful_gradient": np.zeros(4),
        "one_sequence_gradient": np.full(4, 0.1),
        "carried_state_norm": 0.3,
    }
    figure = plot_gradient_boundary(result)
    assert [trace.name for trace in figure.data] == ["stateful, two batches", "stateless, one sequence"]
    assert list(figure.data[0].y) == [0.0] * 4 and "‖h‖ = 0.30" in figure.layout.title.text
    assert "no gradient reached the batch that wrote it" in " ".join(
        SUBTITLE_LINE.findall(figure.layout.title.text)
    )
    lines = SUBTITLE_LINE.findall(figure.layout.title.text)
    assert len(lines) == 2 and max(map(len, lines)) <= SUBTITLE_WIDTH  # wrapped to fit a narrow chart
    # issue 22: the names and the note follow the numbers; a gradient that crossed is not called zero
    crossed = plot_gradient_boundary({**result, "stateful_gradient": np.full(4, 0.02)})
    assert "and so did some gradient (largest 0.02)" in " ".join(
        SUBTITLE_LINE.findall(crossed.layout.title.text)
    )
    with pytest.raises(ValueError, match="missing one_sequence_gradient"):
        plot_gradient_boundary({"stateful_gradient": [0.0], "carried_state_norm": 0.1})


def test_row_trace_marks_wrong_and_reset_batches():
    config = LabConfig(batch_size=4, n_windows=3, n_groups=2, epochs=2, shuffle=True)
    layout = batch_layout(config)
    entering = np.arange(config.batches_per_epoch * 4, dtype=float).reshape(-1, 4)
    figure = plot_row_trace(layout, entering, row=1)
    by_name = {trace.name: trace for trace in figure.data if trace.name}
    last = layout.continues[-1, :, 1]
    assert len(by_name["reset to zero"].x) == layout.resets[-1].sum()
    assert len(by_name["another stream's state"].x) == (~last & ~layout.resets[-1]).sum() > 0
    with pytest.raises(ValueError, match="row must be between 0 and 3"):
        plot_row_trace(layout, entering, row=4)
