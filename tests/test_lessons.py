"""Lessons: the Markdown parses, every lesson page runs its live demos and checks, index and plan work.

Pages run in AppTest through app.py (so page links resolve), with every lab run made tiny through the
session's overrides; the Keras demos run as the lessons run them, in the shared worker pool.
"""

import os
import subprocess
import sys
import time

import pytest
from project import PATIENCE, ROOT
from streamlit.testing.v1 import AppTest

from statelab.engine.work import demo_job
from statelab.server.result_cache import ResultCache
from statelab.teaching.lesson_plan import load_tracks
from statelab.teaching.lessons import all_lessons
from statelab.teaching.presets import PRESETS
from ui.lesson_page import PROGRESS_KEY, lesson_page
from ui.live_results import OVERRIDES_KEY, SEEDS_KEY

TINY = {
    "batch_size": 2,
    "timesteps": 3,
    "n_windows": 2,
    "n_groups": 1,
    "units": 4,
    "epochs": 1,
    "eval_groups": 1,
}
# Checks about Keras behaviour have one right outcome on this Keras: the answer their lesson file gives
# (tests/test_keras_facts.py backs each). Lab-run checks are judged on full-size runs in test_claims.
KERAS_CHECKS = {
    "partial",
    "partial_one",
    "fit_order",
    "epoch_boundary",
    "validation_start",
    "predict_twice",
    "other_batch",
    "gradient",
    "saved",
}


def open_app(page: str) -> AppTest:
    """The whole app in AppTest, on one page, with tiny lesson runs."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PATIENCE)
    app.session_state[OVERRIDES_KEY] = TINY
    app.session_state[SEEDS_KEY] = 2  # multi-seed comparisons still see several seeds
    app.run()
    return app.switch_page(page).run()


def settle(app: AppTest, done=lambda app: not app.get("progress"), timeout: float = PATIENCE) -> AppTest:
    """Rerun the page until `done` (by default: no live demo is still running)."""
    deadline = time.monotonic() + timeout
    while not done(app):
        assert not app.exception, app.exception
        assert time.monotonic() < deadline, "the live demos did not finish in time"
        time.sleep(0.3)
        app.run()
    return app


def answer(app: AppTest, check, pick: str | None = None) -> dict:
    """Predict (the first option by default), run the check, wait for its outcome; returns the record."""
    app.radio(key=f"check_{check.id}").set_value(pick or next(iter(check.options))).run()
    app.button(key=f"run_{check.id}").click().run()
    settle(app, lambda app: (app.session_state[PROGRESS_KEY].get(check.id) or {}).get("outcome"))
    return app.session_state[PROGRESS_KEY][check.id]


def texts(app: AppTest) -> str:
    """Every piece of text on the page, joined."""
    kinds = ("markdown", "caption", "code", "success", "warning", "error", "info")
    return "\n".join(str(element.value) for kind in kinds for element in app.get(kind))


def test_every_lesson_parses_with_unique_checks():
    lessons = all_lessons()
    assert [item.number for item in lessons] == list(range(1, len(lessons) + 1))
    ids = [check.id for item in lessons for check in item.checks]
    assert len(ids) == len(set(ids)) and set(ids) >= KERAS_CHECKS
    for item in lessons:
        assert item.checks, f"lesson {item.number} has no predict-then-run check"
        assert item.demos or len(item.checks) > 1 or item.number == 7, item.number
        for check in item.checks:
            assert len(check.options) >= 2 and check.options.keys() == check.explanations.keys()


def test_no_pages_folder_for_streamlit_to_find():
    # With a pages/ folder beside app.py, a freshly started server answers the first deep link (say
    # /lab?seed=1) by running pages/lab.py alone, without app.py's navigation (Streamlit's older
    # multipage mode). The page scripts live in views/ instead; test_e2e checks a deep link too.
    assert not (ROOT / "pages").exists()
    assert {lesson_page(item) for item in all_lessons()} <= {
        f"views/{path.name}" for path in (ROOT / "views").glob("*.py")
    }


def after_block_openings(item) -> list[str]:
    """The start of the first Markdown of each after-block of a lesson (what explains a check's answer)."""
    kinds = [kind for kind, _ in item.text.parts]
    starts = [index for index, kind in enumerate(kinds) if kind == "after"]
    return [next(p for k, p in item.text.parts[i:] if k == "markdown").strip()[:60] for i in starts]


@pytest.mark.training
@pytest.mark.parametrize("item", all_lessons(), ids=lambda item: f"lesson_{item.number}")
def test_lesson_page_runs_its_demos_and_checks(item):
    app = settle(open_app(lesson_page(item)))
    assert not app.exception
    assert app.title[0].value.startswith(f"Lesson {item.number}:")
    assert not app.get("progress")
    openings = after_block_openings(item)
    assert not any(opening in texts(app) for opening in openings)  # nothing explains an unpredicted check
    assert texts(app).count("**Predict first.**") == len(openings)
    for check in item.checks:
        record = answer(app, check)
        assert not app.exception, app.exception
        assert record["outcome"] in check.options
        if check.id in KERAS_CHECKS:
            assert record["outcome"] == check.answer, check.id
        verdicts = [element.value for element in (*app.success, *app.warning)]
        assert any("prediction held" in v or "did not hold" in v for v in verdicts)
        assert check.explanations[record["outcome"]][:60] in texts(app)
    settle(app)  # the demos the predictions opened
    assert all(opening in texts(app) for opening in openings) and "**Predict first.**" not in texts(app)
    assert len(app.get("plotly_chart")) >= 1 or item.number in (2, 6)  # 2 and 6 show code and tables too


@pytest.mark.training
def test_lesson_6_quotes_the_error_keras_raised_not_a_typed_copy():
    app = settle(open_app("views/lesson_6.py"))
    captured = ResultCache().get(
        demo_job("article_idioms", batch_size=10, timesteps=50, features=1, units=64)
    )
    assert captured is not None, "the page ran the demo with the article's sizes"
    shown = [element.value for element in app.code]
    assert any(captured["model"]["message"] in code for code in shown)
    assert any(captured["reset_states"]["message"] in code for code in shown)
    assert app.get("download_button"), "the Keras 3 code panel offers the script"


@pytest.mark.training
def test_lesson_2_layout_follows_the_sliders():
    app = settle(open_app("views/lesson_2.py"))
    app.slider(key="lesson2_batch").set_value(3).run()
    app.slider(key="lesson2_groups").set_value(1).run()
    assert not app.exception
    assert "batch size" in texts(app).lower()
    assert len(app.get("plotly_chart")) == 2


@pytest.mark.training
def test_index_counts_answers_and_can_start_over():
    app = settle(open_app("views/lesson_7.py"))
    assert answer(app, all_lessons()[6].checks[0], pick="zero")["outcome"] == "zero"
    app.switch_page("views/lesson_index.py").run()
    assert not app.exception
    total = sum(len(item.checks) for item in all_lessons())
    assert app.get("progress")[0].proto.text.startswith(f"1 of {total} checks answered; 1 predictions held")
    app.button[0].click().run()
    assert not app.session_state[PROGRESS_KEY]


@pytest.mark.training
def test_teacher_plan_follows_the_chosen_track():
    tracks = load_tracks()
    app = open_app("views/teacher.py")
    assert not app.exception
    for track in tracks:
        app.radio[0].set_value(track.id).run()
        assert not app.exception and app.query_params["track"] == track.id
        plan = texts(app)
        assert f"**{track.minutes}**" in plan
        for item in track.lessons:
            assert item.title in plan
            for check in item.checks:
                assert check.options[check.answer] in plan  # the answer key
        lab_links = [link.proto for link in app.get("page_link") if link.proto.label.startswith("Lab:")]
        presets = [preset for item in track.lessons for preset in item.presets]
        seeds = {preset: PRESETS[preset].seeds for preset in presets}
        expected = [f"preset={p}" + (f"&seeds={seeds[p]}" if seeds[p] > 1 else "") for p in presets]
        assert [link.query_string for link in lab_links] == expected  # a seed-dependent preset: its seeds
    assert app.get("download_button")


SERVER_SIDE = """
import sys
sys.path.insert(0, {root!r})
from test_lessons import open_app
from statelab.teaching.lessons import all_lessons
from ui.lesson_page import lesson_page
for page in ["views/lesson_index.py", "views/teacher.py", *(lesson_page(item) for item in all_lessons())]:
    app = open_app(page)
    assert not app.exception, (page, app.exception)
print("tensorflow" in sys.modules or "keras" in sys.modules)
"""


@pytest.mark.training
def test_lesson_pages_never_import_tensorflow_on_the_server():
    code = SERVER_SIDE.format(root=str(ROOT / "tests"))
    env = {**os.environ, "STATELAB_WORKERS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("False")
