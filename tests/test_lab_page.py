"""The Lab page in AppTest: controls, a real run through the worker pool, charts, errors, links."""

import subprocess
import sys
import time
from dataclasses import asdict, replace

import pytest
from apptest_helpers import (
    SMALL,
    asked,
    chart_specs,
    chart_titled,
    fill,
    open_page,
    pending,
    switch,
    train,
    values,
    wait_for_run,
)
from project import PATIENCE, ROOT

from statelab.charts.lab import STATEFUL_COLOR, STATELESS_COLOR
from statelab.engine.config import LabConfig
from statelab.engine.results import MODES
from statelab.server.database import open_database
from statelab.server.learner_store import LearnerStore
from statelab.teaching.presets import PRESETS
from ui.continuity import CONTINUITY_TAB
from ui.export import SCRIPT_SHOWN
from ui.lab_results import compare_labels, history_table, plot_two_runs
from ui.lab_state import Run

# the Lab page starts its job pool's worker, and most tests train in it
pytestmark = pytest.mark.training


@pytest.fixture(scope="module")
def cue_run():
    app = open_page("lab")
    fill(app, seed=1, eval_groups=2)  # the default settings: they show the effect on every seed
    train(app)
    return wait_for_run(app)


def test_lab_opens_with_defaults_and_presets():
    app = open_page("lab")
    assert not app.exception
    assert app.number_input(key="setting_batch_size").value == 16
    assert len([b for b in app.button if b.key and b.key.startswith("preset_")]) >= 8


def test_a_run_draws_both_models_and_stateful_wins_on_cue(cue_run):
    assert not cue_run.exception
    spec = chart_titled(cue_run, "by window position")
    curves = {
        trace["name"]: values(trace["y"]) for trace in spec["data"] if trace.get("mode") == "lines+markers"
    }
    assert set(curves) == {"stateful", "stateless"}
    stateful, stateless = curves["stateful"], curves["stateless"]
    assert len(stateful) == 8
    assert min(stateful) >= 90
    assert sum(stateless[1:]) / 7 <= 70
    loss = chart_titled(cue_run, "loss per epoch")
    assert {t["name"] for t in loss["data"]} == {"stateful", "stateless"}
    assert "Stateful" in cue_run.info[0].body
    assert any("most common held-out label" in m.value for m in cue_run.markdown)  # the guess line, explained
    assert cue_run.dataframe, "the run history lists the run"


def test_a_co2_forecast_is_shown_beside_the_seasonal_naive_forecast():
    # Issue 22, item 1: the same week a year earlier is a baseline of every series forecast.
    app = open_page("lab")
    fill(app, task="forecast", timesteps=13, n_windows=4, epochs=2, n_groups=2, eval_groups=1)
    app = wait_for_run(train(app))
    assert not app.exception
    assert "Seasonal naive" in [metric.label for metric in app.metric]
    assert "the seasonal naive forecast" in app.info[0].body
    assert any(
        "as the value 52 steps earlier, one season (52 weeks: one year)" in c.value for c in app.caption
    )
    spec = chart_titled(app, "by window position")
    annotations = [note["text"] for note in spec["layout"].get("annotations", [])]
    assert any(text.startswith("seasonal naive: 0.1") for text in annotations), annotations


def test_impossible_combination_is_explained_beside_the_control():
    app = open_page("lab")
    before = pending(app)  # a bare /lab shows the default run: it may still be on its way
    assert before is None or before.config == LabConfig()
    fill(app, epochs=100, n_groups=64, n_windows=64)
    train(app)
    assert not app.exception
    messages = " ".join(error.value for error in app.error)
    assert "too large for a shared classroom server" in messages
    assert "These settings cannot work" in messages
    assert pending(app) in (None, before)  # nothing new was queued


def settings_layout(app) -> list[str]:
    """What fixes the places of the settings column's children, in order: each is a block (with its
    key) or an element; an element may replace another in its place, as a note fills an empty slot."""
    column = next(block for block in blocks(app.main) if "train" in map(key, block.children.values()))
    return [
        f"block {key(child)}" if hasattr(child, "children") else "element"
        for child in column.children.values()
    ]


def blocks(node):
    """Every block under a node of AppTest's element tree, depth first."""
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield child
            yield from blocks(child)


def key(node) -> str:
    """An element's key, or "" for none."""
    return getattr(node, "key", None) or ""


def test_the_controls_keep_their_places_whatever_the_settings():
    """A control drawn at another place is a new control to the browser, and while the column reruns
    the old one stays beside it (a fresh-clone run met two "Stream groups per epoch" boxes after a
    setting too large had left one element out above them)."""
    app = open_page("lab")
    usual = settings_layout(app)
    fill(app, epochs=100, n_groups=64, n_windows=64)  # too large: the controls make no config
    app.run()
    assert "too large" in " ".join(error.value for error in app.error)
    assert settings_layout(app) == usual
    fill(app, shuffle=True, reset="never")  # the break-it markers and the way back appear
    app.run()
    assert app.button(key="back_to_correct")
    assert settings_layout(app) == usual


def test_url_settings_are_restored_and_run():
    app = open_page(
        "lab",
        {
            "task": "control",
            "batch_size": "8",
            "shuffle": "true",
            "reset": "never",
            "seed": "4",
            "epochs": "2",
            "n_groups": "2",
            "eval_groups": "1",
            "seeds": "2",
        },
    )
    assert not app.exception
    assert app.selectbox(key="setting_task").value == "control"
    assert app.number_input(key="setting_batch_size").value == 8
    assert app.radio(key="setting_shuffle").value is True
    assert app.radio(key="setting_reset").value == "never"
    assert app.slider(key="setting_n_seeds").value == 2
    assert pending(app).n_seeds == 2


def test_a_bad_link_falls_back_with_a_note():
    app = open_page("lab", {"batch_size": "lots", "units": "9999"})
    assert not app.exception
    notes = " ".join(w.value for w in app.warning)
    assert "batch_size" in notes and "units" in notes
    assert app.number_input(key="setting_units").value == 32


def test_preset_states_its_prediction_first():
    app = open_page("lab")
    app.button(key="preset_shuffle_on").click().run()
    assert not app.exception
    assert app.radio(key="setting_shuffle").value is True
    assert any("Predict first" in m.value for m in app.markdown)


SERVER_SIDE = """
import sys
sys.path.insert(0, {root!r})
from apptest_helpers import open_page, fill, train, wait_for_run, SMALL
from streamlit.testing.v1 import AppTest
home = AppTest.from_file({app!r}, default_timeout={PATIENCE}).run()  # the whole app, on Home (it links pages)
assert not home.exception
print("home", "tensorflow" in sys.modules)
lab = open_page("lab")
fill(lab, seed=2, **SMALL)
wait_for_run(train(lab))
assert not lab.exception and lab.get("plotly_chart")
print("lab", "tensorflow" in sys.modules or "keras" in sys.modules)
"""


def test_the_server_process_never_imports_tensorflow():
    code = SERVER_SIDE.format(root=str(ROOT / "tests"), app=str(ROOT / "app.py"), PATIENCE=PATIENCE)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "home False" in out.stdout and "lab False" in out.stdout


def test_continuity_views_follow_the_run(cue_run):
    layout = chart_titled(switch(cue_run, CONTINUITY_TAB, "Batch layout"), "Batch layout, epoch 1")
    assert "state continuity in this pass: 100%" in layout["layout"]["title"]["text"]
    names = {trace.get("name") for trace in layout["data"]}
    assert "state carries over" in names
    assert any(metric.value == "100%" for metric in cue_run.get("metric"))
    assert not any("Carried hidden state" in spec["layout"]["title"]["text"] for spec in chart_specs(cue_run))
    trace = chart_titled(switch(cue_run, CONTINUITY_TAB, "Carried state"), "Carried hidden state")
    assert len([t for t in trace["data"] if t.get("name", "").startswith("stream")]) == 3
    switch(cue_run, CONTINUITY_TAB, "Step through").slider(key="step_batch").set_value(
        9
    ).run()  # group 2, window 2
    assert not cue_run.exception
    assert "Batch 9, row 0: stream 16, window 2" in str(chart_titled(cue_run, "Batch 9")["layout"]["title"])


def test_shuffle_shows_broken_arrows_and_a_low_score():
    app = open_page("lab")
    fill(app, shuffle=True, **SMALL)
    wait_for_run(train(app))
    layout = chart_titled(app, "Batch layout")
    names = [trace.get("name") for trace in layout["data"]]
    assert "state from another stream" in names
    score = next(m.value for m in app.get("metric") if m.label.startswith("Continuity"))
    assert int(score.rstrip("%")) < 20


def test_gradient_boundary_is_computed_on_request(cue_run):
    switch(cue_run, CONTINUITY_TAB, "Gradient boundary").button(key="gradient_go").click().run()
    deadline = time.monotonic() + PATIENCE

    def shown() -> bool:  # long titles are broken into lines: "<br>" reads as " "
        titles = [spec["layout"]["title"]["text"].replace("<br>", " ") for spec in chart_specs(cue_run)]
        return any("send a gradient back" in title for title in titles)

    while not shown():
        assert not cue_run.exception and time.monotonic() < deadline, "the gradients never came"
        time.sleep(0.5)
        cue_run.run()  # the page shows progress, never waits: each rerun looks again
    assert not cue_run.exception
    figure = chart_titled(cue_run, "send a gradient back")
    assert len(figure["data"]) >= 2


def texts(app, kind: str) -> str:
    """The text of every element of one kind on the page, joined."""
    return " ".join(str(element.value) for element in app.get(kind))


def test_a_broken_setting_is_marked_and_can_be_put_back():
    app = open_page("lab")
    assert "Break it is on" not in texts(app, "markdown")
    fill(app, reset="never", batch_size=8)
    app.run()
    assert "Break it is on**: the state is not reset" in texts(app, "markdown")
    assert "Not trained yet: batch 8, reset never" in texts(app, "caption")
    app.button(key="back_to_correct").click().run()
    assert not app.exception
    assert app.radio(key="setting_reset").value == "sequence"
    assert app.number_input(key="setting_batch_size").value == 8  # the other settings stay
    assert "Break it is on" not in texts(app, "markdown")


def test_a_preset_asks_before_it_runs_and_uses_the_chosen_seeds():
    app = open_page("lab")
    app.slider(key="setting_n_seeds").set_value(3).run()
    app.button(key="preset_never_reset").click().run()
    assert not app.exception
    preset = PRESETS["never_reset"]
    radio = app.radio(key="predict_never_reset")
    assert radio.value is None and radio.options == list(preset.options.values())
    assert app.button(key="run_preset").disabled  # no run before a prediction
    assert pending(app) is None or pending(app).config == LabConfig()
    assert "What to expect" not in texts(app, "markdown") and preset.expectation not in texts(app, "markdown")
    assert all(not button.help for button in app.button if button.key.startswith("preset_"))
    assert app.slider(key="setting_n_seeds").value == 3
    radio.set_value(next(iter(preset.options))).run()
    app.button(key="run_preset").click().run()
    assert asked(app) == Run(preset.config(), 3, "never_reset")


def test_a_preset_link_opens_its_question_and_a_bad_one_is_explained():
    app = open_page("lab", {"preset": "control", "seeds": "2"})
    assert not app.exception
    assert app.selectbox(key="setting_task").value == "control"
    assert app.slider(key="setting_n_seeds").value == 2
    assert app.radio(key="predict_control").value is None and pending(app) is None
    bad = open_page("lab", {"preset": "nope"})
    assert "no such preset" in " ".join(warning.value for warning in bad.warning)


def test_a_bare_lab_queues_the_default_run():
    app = open_page("lab")
    assert asked(app) == Run(LabConfig(), 1)


def history(*rows):
    """History rows as the Lab keeps them, from (config changes, preset) pairs."""
    return [
        {
            "key": f"run{index}",
            "preset": preset,
            "config": asdict(replace(LabConfig(), **changes)),
            "n_seeds": 1,
            "metric": "accuracy",
            "chance": 0.55,
            "by_window": {"stateful": [[1.0, 0.9]], "stateless": [[1.0, 0.5]]},
        }
        for index, (changes, preset) in enumerate(rows)
    ]


def test_the_history_names_each_run_and_what_changed_first():
    rows = history(({}, ""), ({"reset": "never"}, "never_reset"), ({"shuffle": True, "batch_size": 8}, ""))
    table = history_table(rows)
    assert [list(row)[:2] for row in table] == [["run", "what changed"]] * 3
    assert [row["run"] for row in table] == ["your settings", "Break it: never reset", "your settings"]
    assert [row["what changed"] for row in table] == [
        "nothing: the defaults",
        "reset never",
        "batch 8, shuffle on",
    ]
    assert table[0]["stateful"] == "95 %" and table[0]["stateless"] == "75 %"
    rows[1]["n_seeds"], rows[1]["config"]["seed"] = 3, 11
    # Issue 23: the column read "0" or "11" (the seed) where a count was expected.
    assert [row["seeds"] for row in history_table(rows)[:2]] == ["1 (seed 0)", "3 (seeds 11–13)"]


def test_a_run_kept_from_before_the_layer_setting_reads_as_an_lstm():
    rows = history(({"layer": "gru"}, ""), ({}, ""))
    del rows[1]["config"]["layer"]  # as a learner's record from before the setting keeps it
    assert [row["what changed"] for row in history_table(rows)] == ["GRU layer", "nothing: the defaults"]


def test_a_gru_link_runs_a_gru_whose_trace_and_script_have_its_one_state_tensor():
    app = open_page(
        "lab", {"layer": "gru", "seed": "2", **{name: str(value) for name, value in SMALL.items()}}
    )
    assert app.selectbox(key="setting_layer").value == "gru"
    wait_for_run(app)
    assert not app.exception and app.session_state["lab"].shown.config.layer == "gru"
    shown = switch(app, CONTINUITY_TAB, "Carried state").radio(key="trace_quantity_1")
    assert shown.options == ["‖h‖ (hidden state)"] and "GRU keeps 1 state tensor" in shown.label
    assert "Carried hidden state" in chart_titled(app, "Carried hidden state")["layout"]["title"]["text"]
    assert not any("keras.layers." in block.value for block in app.code)  # drawn once the learner opens it
    switch(app, SCRIPT_SHOWN, True)
    script = next(block.value for block in app.code if "keras.layers." in block.value)
    assert "gru = keras.layers.GRU(" in script and "keras.layers.LSTM" not in script
    assert "layer=gru" in next(block.value for block in app.code if "?" in block.value)  # the share link
    app.selectbox(key="setting_layer").set_value("simple_rnn").run()
    assert "Not trained yet: SimpleRNN layer" in " ".join(caption.value for caption in app.caption)


def test_two_runs_are_compared_by_what_differs_in_the_models_colours():
    first, second = history(({"reset": "never"}, ""), ({"shuffle": True}, ""))
    figure = plot_two_runs(first, second)
    lines = {trace.hovertemplate.split("<br>")[0]: trace for trace in figure.data}
    first_label, second_label = "shuffle off, reset never", "shuffle on, reset sequence"
    assert set(lines) == {f"{mode}, {label}" for mode in MODES for label in (first_label, second_label)}
    for mode, color in (("stateful", STATEFUL_COLOR), ("stateless", STATELESS_COLOR)):
        solid, dashed = lines[f"{mode}, {first_label}"], lines[f"{mode}, {second_label}"]
        assert solid.line.color == dashed.line.color == color
        assert (solid.line.dash, dashed.line.dash) == ("solid", "dash")
        assert solid.name == dashed.name == solid.legendgroup == mode and dashed.showlegend is False
    assert f"solid: {first_label}" in figure.layout.title.text
    assert f"dashed: {second_label}" in figure.layout.title.text
    same, again = history(({}, ""), ({}, ""))
    again["n_seeds"] = 3
    assert compare_labels(same, again) == ("seeds 0", "seeds 0–2")


def test_settings_where_the_task_stops_learning_are_warned_before_training():
    """Issue 10.3: batch size 8 and timesteps 20 get a warning beside each field; training stays allowed."""
    app = open_page("lab")
    assert not app.warning
    fill(app, batch_size=8, timesteps=20)
    app.run()
    warnings = " ".join(warning.value for warning in app.warning)
    assert "batch_size at least 16" in warnings and "timesteps at most 10" in warnings
    assert "Measured" in texts(app, "caption")  # the measurement behind each warning, in small print
    train(app)
    assert pending(app).config == LabConfig(batch_size=8, timesteps=20)


def test_an_address_from_before_the_cookie_finds_its_learners_runs_and_answers():
    """Issue 10.7 and 23.1 without a browser (AppTest sends no cookie): an address that still carries
    ?learner= finds what that learner stored, and the id leaves the address."""
    first = open_page("lab")
    learner = first.session_state["learner_id"]
    assert "learner" not in first.query_params  # the id is never in the URL
    (row,) = history(({"reset": "never"}, "never_reset"))
    store = LearnerStore(open_database())
    store.add_run(learner, row["key"], row)
    store.save_answer(learner, "preset:never_reset", next(iter(PRESETS["never_reset"].options)))
    again = open_page("lab", {"learner": learner, "preset": "never_reset"})
    assert not again.exception
    assert again.session_state["learner_id"] == learner
    assert "learner" not in again.query_params
    assert row in again.session_state["lab"].history
    assert again.radio(key="predict_never_reset").disabled  # the prediction is kept: the run starts at once
    run = Run(PRESETS["never_reset"].config(), 1, "never_reset")
    assert run in (pending(again), again.session_state["lab"].shown)  # on its way, or done if it was cached
    other = open_page("lab", {"learner": "not a learner id"})
    assert other.session_state["learner_id"] != "not a learner id"
    assert row not in other.session_state["lab"].history  # (it may hold the default run a bare /lab shows)
