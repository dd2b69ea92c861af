"""The shared result cache: safe between processes, versioned, and a bad entry is only a miss."""

import multiprocessing
import os
import time

import pytest
from project import PATIENCE

from statelab.engine.config import LabConfig
from statelab.engine.work import demo_job, lab_job
from statelab.server import result_cache
from statelab.server.result_cache import ResultCache

ENTRY = b"x" * 3000  # a demo value of a known size
ROUNDS = 300


def put_and_read(directory: str, tag: int, errors) -> None:
    """One process: store ROUNDS values in a cache that holds only a few, reading the other's as it goes."""
    cache = ResultCache(directory, max_bytes=8 * len(ENTRY))
    for index in range(ROUNDS):
        try:
            cache.put(demo_job("race", tag=tag, index=index), ENTRY)
            value = cache.get(demo_job("race", tag=1 - tag, index=index))
            if value not in (None, ENTRY):
                errors.put(f"read a wrong value: {value[:20]!r}")
        except Exception as error:
            errors.put(f"{type(error).__name__}: {error}")


def test_two_processes_putting_and_pruning_at_once_never_fail(tmp_path):
    """Reproduced before the fix: FileNotFoundError in put (from prune) and get once files vanished."""
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    processes = [context.Process(target=put_and_read, args=(str(tmp_path), tag, errors)) for tag in (0, 1)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=PATIENCE)
    assert [process.exitcode for process in processes] == [0, 0]
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert not found, found[:5]
    stored = list(tmp_path.glob("*.pkl"))
    assert 1 <= len(stored) <= 8 and not list(tmp_path.glob(".*.partial"))


def test_the_cache_is_bounded_and_keeps_the_most_recently_used(tmp_path):
    cache = ResultCache(tmp_path, max_bytes=2 * len(ENTRY) + 500)
    jobs = [demo_job("bounded", index=index) for index in range(3)]
    for minutes_ago, job in zip((3, 2), jobs[:2], strict=True):  # stored in this order, minutes apart
        cache.put(job, ENTRY)
        moment = time.time() - 60 * minutes_ago
        os.utime(cache.path(job), (moment, moment))
    os.utime(cache.path(jobs[0]))  # used again now: the most recent of the two
    cache.put(jobs[2], ENTRY)
    assert [cache.get(job) is not None for job in jobs] == [True, False, True]


def test_an_unreadable_entry_is_a_miss_and_is_removed(tmp_path):
    cache = ResultCache(tmp_path)
    lab, demo = lab_job(LabConfig(seed=5)), demo_job("broken")
    for work in (lab, demo):
        cache.path(work).write_bytes(b"not a result")
        assert cache.has(work)
        assert cache.get(work) is None
        assert not cache.has(work)


def test_a_vanished_entry_is_a_miss(tmp_path):
    cache = ResultCache(tmp_path)
    job = demo_job("gone")
    cache.put(job, {"value": 1})
    cache.path(job).unlink()
    assert cache.get(job) is None


def test_results_are_keyed_by_the_versions_of_code_keras_and_tensorflow(tmp_path, monkeypatch):
    cache = ResultCache(tmp_path)
    job = demo_job("versioned")
    cache.put(job, "from the old versions")
    salt = result_cache.version_salt()
    assert salt in cache.path(job).name and cache.path(lab_job(LabConfig())).name.endswith(f"{salt}.npz")
    upgraded = {"keras": "99.0.0"}
    monkeypatch.setattr(
        result_cache, "_distribution_version", lambda *names: upgraded.get(names[0], "2.21.0")
    )
    result_cache.version_salt.cache_clear()
    try:
        assert result_cache.version_salt() != salt
        assert ResultCache(tmp_path).get(job) is None  # a server after an upgrade never serves it
        assert cache.get(job) == "from the old versions"  # a running server keeps its own versions
    finally:
        monkeypatch.undo()
        result_cache.version_salt.cache_clear()
    assert result_cache.version_salt() == salt and ResultCache(tmp_path).get(job) == "from the old versions"


def test_stale_partial_files_of_dead_processes_are_removed(tmp_path):
    cache = ResultCache(tmp_path)
    stale, fresh = tmp_path / ".a.npz.1.partial", tmp_path / ".b.npz.2.partial"
    for path in (stale, fresh):
        path.write_bytes(b"half")
    old = time.time() - result_cache.STALE_PARTIAL_AFTER - 10
    os.utime(stale, (old, old))
    cache.prune()
    assert not stale.exists() and fresh.exists()


@pytest.mark.parametrize(
    ("files", "cores"),
    [
        ({"cpu.max": "200000 100000\n"}, 2.0),
        ({"cpu.max": "150000 100000\n"}, 1.5),
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3.0),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
)
def test_the_cpu_quota_of_a_container_is_read_from_its_cgroup(tmp_path, files, cores):
    from statelab.server.worker import cgroup_cpu_limit

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cgroup_cpu_limit(tmp_path, tmp_path / "no-membership-file") == cores


def test_the_cpu_quota_of_a_nested_cgroup_v2_group_is_found(tmp_path):
    from statelab.server.worker import cgroup_cpu_limit

    group = tmp_path / "kubepods" / "pod1"
    group.mkdir(parents=True)
    (group / "cpu.max").write_text("100000 100000\n")
    (tmp_path / "cpu.max").write_text("max 100000\n")
    membership = tmp_path / "membership"
    membership.write_text("0::/kubepods/pod1\n")
    assert cgroup_cpu_limit(tmp_path, membership) == 1.0


def test_the_pool_uses_the_cores_this_process_may_use():
    from statelab.server.worker import available_cores

    assert 1 <= available_cores() <= len(os.sched_getaffinity(0))
