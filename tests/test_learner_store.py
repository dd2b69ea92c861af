"""The learner store keeps runs and answers per anonymous learner, bounded, with every write a transaction."""

import threading

import pytest

from statelab import learner_store
from statelab.learner_store import MAX_RUNS, LearnerStore, is_learner_id, new_learner_id


@pytest.fixture
def store(tmp_path):
    return LearnerStore(tmp_path / "learners.sqlite3")


def test_learner_ids_are_fresh_and_checked():
    first, second = new_learner_id(), new_learner_id()
    assert first != second and is_learner_id(first) and is_learner_id(second)
    for bad in ["", "short", "x" * 41, "../../etc/passwd-0123456789", "a b c d e f g h i j", None, 12]:
        assert not is_learner_id(bad)


def test_runs_come_back_in_order_and_a_repeated_run_moves_to_the_end(store):
    learner, other = new_learner_id(), new_learner_id()
    for key in ["a.1", "b.1", "c.3"]:
        store.add_run(learner, key, {"key": key, "scores": [0.5, 1.0]})
    store.add_run(other, "a.1", {"key": "a.1", "other": True})
    store.add_run(learner, "a.1", {"key": "a.1", "again": True})
    runs = store.runs(learner)
    assert [run["key"] for run in runs] == ["b.1", "c.3", "a.1"]
    assert runs[-1] == {"key": "a.1", "again": True} and runs[0]["scores"] == [0.5, 1.0]
    assert store.runs(other) == [{"key": "a.1", "other": True}]  # learners never see each other's runs


def test_only_the_newest_runs_are_kept(store):
    learner = new_learner_id()
    for index in range(MAX_RUNS + 5):
        store.add_run(learner, f"run.{index}", {"index": index})
    assert [run["index"] for run in store.runs(learner)] == list(range(5, MAX_RUNS + 5))


def test_answers_are_saved_updated_and_forgotten(store):
    learner = new_learner_id()
    store.save_answer(learner, "partial", "error")
    store.save_answer(learner, "preset:shuffle_on", "high")
    store.save_answer(learner, "partial", "error", "error")
    assert store.answers(learner) == {
        "partial": {"picked": "error", "outcome": "error"},
        "preset:shuffle_on": {"picked": "high", "outcome": None},
    }
    store.forget_answers(learner, ["partial"])
    assert list(store.answers(learner)) == ["preset:shuffle_on"]
    store.forget_answers(learner)
    assert store.answers(learner) == {}


def test_bad_names_never_reach_the_database(store):
    with pytest.raises(ValueError, match="not a learner id"):
        store.runs("x'; DROP TABLE runs; --")
    with pytest.raises(ValueError, match="not a valid key"):
        store.save_answer(new_learner_id(), "a key with spaces", "picked")


def test_a_failed_write_changes_nothing(store):
    learner = new_learner_id()
    store.add_run(learner, "a.1", {"fine": 1})
    with pytest.raises(TypeError):
        store.add_run(learner, "b.1", {"not json": {1, 2}})
    assert store.runs(learner) == [{"fine": 1}]


def test_two_stores_on_one_file_share_everything_under_concurrent_writes(tmp_path):
    """Two server threads (or two replicas on one disk) writing at once lose nothing."""
    path = tmp_path / "shared.sqlite3"
    stores = [LearnerStore(path), LearnerStore(path)]
    learners = [new_learner_id() for _ in range(4)]

    def write(index: int) -> None:
        for step in range(25):
            store = stores[step % 2]
            store.save_answer(learners[index], f"check{step}", "picked", "outcome")
            store.add_run(learners[index], f"run.{step}", {"step": step})

    threads = [threading.Thread(target=write, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for learner in learners:
        assert len(stores[0].answers(learner)) == 25
        assert [run["step"] for run in stores[1].runs(learner)] == list(range(25))


def test_learners_not_seen_for_long_are_forgotten(tmp_path, monkeypatch):
    path, learner = tmp_path / "old.sqlite3", new_learner_id()
    store = LearnerStore(path)
    store.add_run(learner, "a.1", {"old": True})
    store.save_answer(learner, "partial", "error")
    now = learner_store.time.time()
    monkeypatch.setattr(learner_store.time, "time", lambda: now + (learner_store.KEEP_DAYS + 1) * 86400)
    reopened = LearnerStore(path)
    assert reopened.runs(learner) == [] and reopened.answers(learner) == {}
