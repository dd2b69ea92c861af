"""The Lab page in AppTest: controls, a real run through the worker pool, charts, errors, links."""

import subprocess
import sys
import time

import pytest
from apptest_helpers import SMALL, chart_specs, chart_titled, fill, open_page, train, values, wait_for_run
from conftest import ROOT


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
    assert cue_run.dataframe, "the run history lists the run"


def test_impossible_combination_is_explained_beside_the_control():
    app = open_page("lab")
    fill(app, epochs=100, n_groups=64, n_windows=64)
    train(app)
    assert not app.exception
    messages = " ".join(error.value for error in app.error)
    assert "too large for a shared classroom server" in messages
    assert "pending" not in app.session_state


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
    assert app.session_state["pending"]["n_seeds"] == 2


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
home = open_page("home")
assert not home.exception
print("home", "tensorflow" in sys.modules)
lab = open_page("lab")
fill(lab, seed=2, **SMALL)
wait_for_run(train(lab))
assert not lab.exception and lab.get("plotly_chart")
print("lab", "tensorflow" in sys.modules or "keras" in sys.modules)
"""


def test_the_server_process_never_imports_tensorflow():
    code = SERVER_SIDE.format(root=str(ROOT / "tests"))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "home False" in out.stdout and "lab False" in out.stdout


def test_continuity_views_follow_the_run(cue_run):
    layout = chart_titled(cue_run, "Batch layout, epoch 1")
    assert "state continuity in this pass: 100%" in layout["layout"]["title"]["text"]
    names = {trace.get("name") for trace in layout["data"]}
    assert "state carries over" in names
    assert any(metric.value == "100%" for metric in cue_run.get("metric"))
    trace = chart_titled(cue_run, "Carried hidden state")
    assert len([t for t in trace["data"] if t.get("name", "").startswith("stream")]) == 3
    cue_run.slider(key="step_batch").set_value(9).run()  # group 2, window 2
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
    cue_run.button(key="gradient_go").click().run()
    deadline = time.monotonic() + 240
    while not any("send a gradient back" in spec["layout"]["title"]["text"] for spec in chart_specs(cue_run)):
        assert not cue_run.exception and time.monotonic() < deadline, "the gradients never came"
        time.sleep(0.5)
        cue_run.run()  # the page shows progress, never waits: each rerun looks again
    assert not cue_run.exception
    figure = chart_titled(cue_run, "send a gradient back")
    assert len(figure["data"]) >= 2
