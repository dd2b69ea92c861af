"""Lesson 13's carry chart: one mark per seed, in rows of five, with each cell's count above it."""

import pytest

from statelab.charts.layers import PER_ROW, plot_carry

TABLE = {
    "lstm": {8: dict.fromkeys(range(10), "kept"), 16: {0: "collapsed", 1: "kept"}},
    "gru": {8: {**dict.fromkeys(range(10), "kept"), 8: "collapsed"}},
}


def test_each_seed_is_one_mark_in_rows_of_five_and_each_cell_says_how_many_kept():
    figure = plot_carry(TABLE)
    marks = {trace.name: list(zip(trace.x, trace.y, trace.hovertext, strict=True)) for trace in figure.data}
    assert len(marks["kept the cue"]) == 10 + 1 + 9 and len(marks["collapsed (constant answer)"]) == 2
    lstm_8 = [(x, y) for x, y, text in marks["kept the cue"] if text.startswith("LSTM, 8 windows")]
    assert len({y for _, y in lstm_8}) == 2 and len({x for x, _ in lstm_8}) == PER_ROW  # 2 rows of 5
    assert "GRU, 8 windows, seed 8: collapsed" in marks["collapsed (constant answer)"][-1][2]
    counts = sorted(annotation.text for annotation in figure.layout.annotations)
    assert counts == ["1 of 2", "10 of 10", "9 of 10"]
    assert list(figure.layout.yaxis.ticktext) == ["LSTM", "GRU"]  # the layers the table has, LSTM on top
    assert figure.layout.yaxis.tickvals[0] > figure.layout.yaxis.tickvals[1]


def test_an_empty_table_is_explained():
    with pytest.raises(ValueError, match="at least one run"):
        plot_carry({"lstm": {}})
