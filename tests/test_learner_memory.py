"""What the browser keeps for a learner: which id a new session takes, the Lab's memory in a cookie, and the
scripts that write cookies (nothing a cookie or a link holds can break them)."""

import base64
import json

import pytest

from statelab.server.learner_store import is_learner_id, new_learner_id
from statelab.teaching.lessons.lesson_10 import mean_comparison
from ui.cookies import cookie_script
from ui.lab_memory import LabMemory
from ui.learner import choose_learner_id


def test_a_new_session_is_the_browsers_learner_and_a_link_cannot_make_it_someone_else():
    mine, theirs = new_learner_id(), new_learner_id()
    assert choose_learner_id(mine, theirs) == mine  # the cookie wins over an id in the address
    assert choose_learner_id(None, theirs) == theirs  # an old bookmark, in a browser with no learner yet
    assert choose_learner_id("not an id", None) not in ("not an id", mine, theirs)
    fresh = choose_learner_id(None, "<script>")
    assert is_learner_id(fresh) and fresh != choose_learner_id(None, None)


def test_the_labs_memory_goes_through_its_cookie_text_unchanged():
    memory = LabMemory(
        {"preset": "shuffle_on"}, {"batch_size": "32", "seeds": "2"}, "0123456789abcdef", "a.csv"
    )
    text = memory.encode()
    assert LabMemory.decode(text) == memory
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


def cookie_text(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not base64!",
        cookie_text([1, 2]),
        cookie_text({"run": [], "form": {}}),
        cookie_text({"run": {}, "form": {"batch_size": 32}}),  # values are text, as in a link
        cookie_text({"run": {}, "form": {}, "series": "x" * 500}),
        cookie_text({"run": {}, "form": {}, "other": "field"}),
    ],
)
def test_a_cookie_that_is_not_a_lab_memory_is_ignored(text):
    assert LabMemory.decode(text) is None


def test_cookie_scripts_take_only_safe_text():
    script = cookie_script("statelab_learner", new_learner_id(), 60)
    assert script.startswith("<script>document.cookie = 'statelab_learner=") and "samesite=lax" in script
    for name, value in (("a b", "x"), ("ok", "x'; alert(1); '"), ("ok", "</script>"), ("ok", "")):
        with pytest.raises(ValueError, match="Cookie"):
            cookie_script(name, value, 60)
    with pytest.raises(ValueError, match="same_site"):
        cookie_script("ok", "x", 60, same_site="none")


def test_a_forecast_that_lost_to_the_mean_on_a_seed_says_so():
    """Issue 23: lesson 10 said "the forecast beat persistence" on an uploaded series where seed 0 lost to
    the mean."""
    value = {"seeds": (0, 1, 2), "model_error": [1.2, 0.3, 0.4], "persistence_error": 2.0, "mean_error": 1.05}
    assert (
        mean_comparison(value)
        == "On seed 0 it did not beat always predicting the training part's mean (1.05)."
    )
    value["model_error"] = [1.2, 1.1, 0.4]
    assert mean_comparison(value).startswith("On seeds 0, 1 it did not beat")
    value["model_error"] = [0.1, 0.1, 0.1]
    assert mean_comparison(value) == ""
