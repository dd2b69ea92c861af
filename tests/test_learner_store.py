"""The learner store keeps runs and answers per anonymous learner, bounded, with every write a transaction,
on the database class mode uses: SQLite and a real PostgreSQL server (tests/postgres.py)."""

import contextlib
import sqlite3
import threading

import pytest
from class_fixtures import database_fixture  # noqa: F401  (fixture)

from statelab.server import learner_store
from statelab.server.database import open_database
from statelab.server.learner_store import MAX_RUNS, LearnerStore, is_learner_id, new_learner_id


@pytest.fixture
def store(database):
    return LearnerStore(database)


def url_of(database) -> str:
    """The URL that opens the same database again (a second replica, or the server after a restart)."""
    return getattr(database, "url", None) or f"sqlite:///{database.path}"


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


def test_two_stores_on_one_database_share_everything_under_concurrent_writes(database):
    """Two server threads (or two replicas on one database) writing at once lose nothing."""
    replica = open_database(url_of(database))
    stores = [LearnerStore(database), LearnerStore(replica)]
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
    replica.close()


def test_learners_not_seen_for_long_are_forgotten(database, monkeypatch):
    learner = new_learner_id()
    store = LearnerStore(database)
    store.add_run(learner, "a.1", {"old": True})
    store.save_answer(learner, "partial", "error")
    now = learner_store.time.time()
    monkeypatch.setattr(learner_store.time, "time", lambda: now + (learner_store.KEEP_DAYS + 1) * 86400)
    reopened = LearnerStore(database)
    assert reopened.runs(learner) == [] and reopened.answers(learner) == {}


OLD_SCHEMA = (  # the learner store's own SQLite file, before the records joined the database
    "CREATE TABLE runs (learner TEXT NOT NULL, run_key TEXT NOT NULL, created REAL NOT NULL, "
    "run TEXT NOT NULL, PRIMARY KEY (learner, run_key))",
    "CREATE TABLE answers (learner TEXT NOT NULL, answer_id TEXT NOT NULL, picked TEXT NOT NULL, "
    "outcome TEXT, updated REAL NOT NULL, PRIMARY KEY (learner, answer_id))",
)


def test_an_older_learners_file_is_carried_over_once(store, tmp_path):
    old, learner, kept = tmp_path / "learners.sqlite3", new_learner_id(), new_learner_id()
    now = learner_store.time.time()
    with contextlib.closing(sqlite3.connect(old)) as connection, connection:
        for statement in OLD_SCHEMA:
            connection.execute(statement)
        connection.execute("INSERT INTO runs VALUES (?, 'a.1', ?, ?)", (learner, now - 60, '{"first": 1}'))
        connection.execute("INSERT INTO runs VALUES (?, 'b.1', ?, ?)", (learner, now - 30, '{"second": 2}'))
        connection.execute("INSERT INTO answers VALUES (?, 'partial', 'error', 'error', ?)", (learner, now))
        connection.execute("INSERT INTO answers VALUES (?, 'partial', 'trains', NULL, ?)", (kept, now))
    store.save_answer(kept, "partial", "error", "error")  # already on the database: it stays as it is
    assert store.carry_over(old) == 4
    assert store.runs(learner) == [{"first": 1}, {"second": 2}]
    assert store.answers(learner) == {"partial": {"picked": "error", "outcome": "error"}}
    assert store.answers(kept) == {"partial": {"picked": "error", "outcome": "error"}}
    assert not old.exists() and old.with_name("learners.sqlite3.carried-over").exists()
    assert store.carry_over(old) == 0  # once: the next start finds nothing to carry
    assert len(store.runs(learner)) == 2
