"""The job layer: worker processes, the shared cache, the queue, cancelling, recycling and failures."""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from project import wait_until

from statelab import LabConfig
from statelab.engine import compile_cache
from statelab.engine.compile_cache import PROCESS_FOLDER, programs_folder
from statelab.engine.work import demo_job, lab_job
from statelab.server.jobs import JobPool, JobStatus
from statelab.server.result_cache import ResultCache
from statelab.server.worker import process_runs
from statelab.teaching.presets import PRESETS, warm_up_configs

# every test starts a job pool's worker processes
pytestmark = pytest.mark.training

TINY = dict(batch_size=4, timesteps=5, n_windows=3, n_groups=2, units=8, epochs=1, eval_groups=1)
# A queued job nobody asks about for this long is dropped: several seconds, so that a test process the
# busy machine leaves waiting for a moment still counts as watching (the tests wait for the drop itself).
ABANDON_AFTER = 3.0
SLOW = dict(TINY, n_groups=64, epochs=20)  # 3,840 batches: seconds even on an already compiled engine


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    pool = JobPool(
        workers=1,
        max_jobs_per_worker=2,
        cache=ResultCache(tmp_path_factory.mktemp("cache")),
        abandon_after=ABANDON_AFTER,
    )
    yield pool
    pool.close()


@pytest.fixture
def fresh_pool(tmp_path):
    """A pool of one worker of its own, ready to take a job."""
    with JobPool(workers=1, cache=ResultCache(tmp_path), abandon_after=ABANDON_AFTER) as pool:
        wait_until(lambda: list(pool.busy.values()) == [None])
        yield pool


def worker_of(pool: JobPool, config: LabConfig) -> int:
    """The pid of the worker that holds a config's job."""
    (pid,) = [pid for pid, key in pool.busy.items() if key == config.key()]
    return pid


def test_second_request_comes_from_the_cache_without_training(pool):
    config = LabConfig(seed=11, **TINY)
    first = pool.result(config)
    stored = pool.cache.path(lab_job(config))
    written = stored.stat().st_ino  # training again would write a new file (a new inode)
    handed = sum(pool.handed.values())
    assert pool.submit(config) == config.key()
    assert pool.status(config).state == "done"  # straight away: nothing was queued
    again = pool.result(config)
    np.testing.assert_array_equal(again.stateful.loss, first.stateful.loss)
    assert stored.stat().st_ino == written and sum(pool.handed.values()) == handed and not pool.queue
    # a server restart (a new pool on the same folder) finds it too
    assert ResultCache(pool.cache.directory).get(lab_job(config)) is not None


def test_a_worker_keeps_its_programs_in_a_folder_of_its_own_under_its_pools_cache(tmp_path, monkeypatch):
    """Workers are forked from a process that imported the engine: that import must not choose the
    programs' folder (nor read XLA's flags) for them, or every worker would write into the forkserver's
    folder, under another cache (tests/project.py sets STATELAB_CACHE and STATELAB_PROGRAMS to the run's
    folders). The shared folder is the one a plain process with STATELAB_CACHE set to the pool's cache
    uses: one for all."""
    monkeypatch.delenv(compile_cache.PROGRAMS)  # the default: in the cache folder
    with JobPool(workers=1, cache=ResultCache(tmp_path)) as pool:
        pool.result(LabConfig(seed=12, **TINY))
        (worker,) = pool.processes
        shared = programs_folder(tmp_path)
        assert sorted(shared.glob("*.pb")), f"no program published in {shared}"
        own = shared / f"{PROCESS_FOLDER}{worker}"
        assert sorted(own.glob("*.pb")), f"the worker's own folder {own} holds no program"


@pytest.mark.parametrize("layer", ["gru", "simple_rnn"])
def test_every_layer_trains_in_a_worker_and_is_cached_under_its_own_key(pool, layer):
    config = LabConfig(seed=11, layer=layer, **TINY)
    result = pool.result(config)
    assert result.config.layer == layer and result.stateful.trace.c is None
    assert pool.cache.path(lab_job(config)) != pool.cache.path(lab_job(LabConfig(seed=11, **TINY)))
    np.testing.assert_array_equal(pool.cache.get(lab_job(config)).stateful.trace.h, result.stateful.trace.h)


def test_queue_positions_cancel_and_abandon(fresh_pool):
    """With the one worker paused (SIGSTOP) on a first job, nothing moves but what the pool decides."""
    pool = fresh_pool
    (pid,) = pool.processes
    os.kill(pid, signal.SIGSTOP)
    try:
        first = LabConfig(seed=19, **TINY)
        pool.submit(first)  # handed to the paused worker
        configs = [LabConfig(seed=20 + index, **TINY) for index in range(3)]
        for config in configs:
            pool.submit(config)
        assert [pool.status(config) for config in configs] == [
            JobStatus("queued", position=p) for p in range(3)
        ]
        assert pool.cancel(configs[2]) and pool.status(configs[2]).state == "cancelled"
        assert not pool.cancel(configs[2])  # only a queued job can be cancelled
        # a page's refresh waits for unfinished works, and not at all for finished or unknown ones
        assert not pool.wait_settled([first, configs[2]], timeout=0.2)
        assert pool.wait_settled([configs[2], LabConfig(seed=99, **TINY)], timeout=0)
        # nobody asks about configs[1] any more (its tab was closed): it leaves the queue untrained,
        # while configs[0], asked about on every poll as a page does, keeps its place
        wait_until(lambda: pool.status(configs[0]).state == "queued" and configs[1].key() not in pool.queue)
        assert pool.states[configs[1].key()].state == "cancelled"
        assert pool.status(configs[0]) == JobStatus("queued", position=0)
    finally:
        os.kill(pid, signal.SIGCONT)
    # both asked about on every poll (a list, not a short-circuit), as a page's progress display does
    wait_until(lambda: [pool.status(config).state for config in (first, configs[0])] == ["done", "done"])
    assert pool.wait_settled([first, configs[0]], timeout=0)
    assert not pool.cache.has(lab_job(configs[1])) and not pool.cache.has(lab_job(configs[2]))


def test_workers_are_recycled_after_their_job_budget(pool):
    before = set(pool.processes)
    for seed in (30, 31, 32):
        pool.result(LabConfig(seed=seed, **TINY))
    wait_until(lambda: set(pool.processes) - before)
    assert len(pool.processes) == 1


def test_demos_run_in_workers_and_are_cached(pool):
    job = demo_job("gradient_boundary", units=4, timesteps=3, seed=0)
    value = pool.result(job)
    assert value["stateful_norm"] == 0.0 and value["one_sequence_norm"] > 0
    assert pool.cache.get(job)["one_sequence_norm"] == value["one_sequence_norm"]


def test_unknown_demo_fails_in_plain_words(pool):
    with pytest.raises(RuntimeError, match="Unknown demo 'teleport'"):
        pool.result(demo_job("teleport"))


def test_every_worker_stays_in_use_through_recycling(tmp_path):
    """Jobs go to the very worker reserved for them and never to one about to retire, so a class's
    runs spread over all workers from the first job to the last and none is lost when a worker exits."""
    with JobPool(workers=2, max_jobs_per_worker=2, cache=ResultCache(tmp_path), abandon_after=600) as pool:
        run_through_recycling(pool)


def ready_with_budget(pool: JobPool) -> int:
    """How many workers are idle and may take another job (a retiring one is idle until it exits)."""
    with pool.lock:
        return sum(key is None and pool.handed[pid] < pool.max_jobs for pid, key in pool.busy.items())


def run_through_recycling(pool: JobPool) -> None:
    """Runs one at a time, then two at once, then more than the workers' budget left."""
    for seed in (40, 41, 42):  # one at a time: workers take turns and the first retires
        pool.result(LabConfig(seed=seed, **TINY))
    wait_until(lambda: ready_with_budget(pool) == 2)  # the retired one's successor is ready, not just idle
    pair = [LabConfig(seed=seed, **TINY) for seed in (43, 44)]
    workers = list(pool.processes)
    for pid in workers:  # paused, so that neither can finish its job before the other has one
        os.kill(pid, signal.SIGSTOP)
    try:
        for config in pair:
            pool.submit(config)
        with pool.lock:  # both are handed out at once, one to each worker: both run at the same time
            handed = sorted(key for key in pool.busy.values() if key)
        assert handed == sorted(config.key() for config in pair)
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGCONT)
    wait_until(lambda: all([pool.status(config).state == "done" for config in pair]))
    batch = [LabConfig(seed=seed, **TINY) for seed in range(50, 56)]  # more jobs than the budget left
    for config in batch:
        pool.submit(config)
    wait_until(lambda: all(pool.status(config).state == "done" for config in batch))


def test_background_jobs_yield_to_learners_and_are_never_abandoned(pool):
    running = LabConfig(seed=60, **SLOW)  # occupies the one worker, paused (SIGSTOP) while the queue is read
    quick = dict(SLOW, epochs=1)  # the same shapes: the worker compiles once for all four
    warm = [LabConfig(seed=seed, **quick) for seed in (61, 62)]
    learner = LabConfig(seed=63, **quick)
    pool.submit(running)
    wait_until(lambda: pool.status(running).state == "running")
    pid = worker_of(pool, running)
    os.kill(pid, signal.SIGSTOP)
    try:
        for config in warm:
            pool.submit(config, background=True)
        pool.submit(learner)
        assert [pool.status(config).position for config in (learner, *warm)] == [0, 1, 2]  # learners first
        # Nobody asks about any of them now: the learner's job is dropped once the pool's abandon_after
        # has passed (its tab was closed); the background jobs, which nobody ever watches, stay.
        wait_until(lambda: learner.key() not in pool.queue)
        assert pool.states[learner.key()].state == "cancelled"
        assert pool.background == [config.key() for config in warm]
        pool.submit(learner)  # the learner comes back
        pool.submit(warm[1])  # a learner asks for a warming run: it joins the learners' queue
        assert [pool.status(config).position for config in (learner, warm[1], warm[0])] == [0, 1, 2]
    finally:
        os.kill(pid, signal.SIGCONT)
    # every wanted job is asked about on each poll, as the page's progress display does
    wait_until(lambda: all([pool.status(config).state == "done" for config in (learner, *warm)]))


def test_runs_ahead_wait_for_two_idle_workers_give_way_to_learners_and_keep_the_newest(tmp_path):
    """JobPool.run_ahead: a learner's edited settings go to a worker only while another stays free for
    whoever presses Train; an asker's newer settings replace its waiting ones; asking for a config run
    ahead joins its run. Both workers are paused (SIGSTOP), so nothing moves but what the pool decides."""
    # nothing is dropped for want of asking here, however long the paused workers keep it waiting
    with JobPool(workers=2, cache=ResultCache(tmp_path), abandon_after=600) as pool:
        wait_until(lambda: list(pool.busy.values()) == [None, None])
        edited, replaced, newest, trained = (LabConfig(seed=40 + index, **TINY) for index in range(4))
        for pid in pool.processes:
            os.kill(pid, signal.SIGSTOP)
        try:
            pool.run_ahead([edited], "learner a")
            assert sorted(pool.busy.values(), key=str) == [None, edited.key()]
            pool.run_ahead([replaced], "learner b")  # waits: the last idle worker is kept for a Train
            pool.run_ahead([newest], "learner b")
            assert pool.ahead == {"learner b": [lab_job(newest)]}
            pool.submit(trained)  # a learner's Train takes the free worker at once
            assert set(pool.busy.values()) == {edited.key(), trained.key()}
            pool.submit(edited)  # asking for the run ahead joins it: nothing queued
            assert not pool.queue and pool.status(edited).state == "queued"
        finally:
            for pid in pool.processes:
                os.kill(pid, signal.SIGCONT)
        wait_until(lambda: pool.cache.has(lab_job(newest)))  # once both workers are free again
        assert pool.cache.has(lab_job(edited)) and pool.cache.has(lab_job(trained))
        assert not pool.cache.has(lab_job(replaced)) and not pool.ahead
        pool.run_ahead([edited], "learner c")  # done already: nothing waits for it
        assert not pool.ahead


def test_works_to_run_ahead_are_dropped_once_their_asker_stops_asking(tmp_path):
    """A learner who left the page (or trained the settings) asks no more: what still waits to run ahead
    for them is dropped after the pool's abandon_after; what a worker already took goes on."""
    with JobPool(workers=2, cache=ResultCache(tmp_path), abandon_after=ABANDON_AFTER) as pool:
        wait_until(lambda: list(pool.busy.values()) == [None, None])
        taken, waiting = (LabConfig(seed=50 + index, **TINY) for index in range(2))
        for pid in pool.processes:
            os.kill(pid, signal.SIGSTOP)
        try:
            pool.run_ahead([taken], "learner a")
            pool.run_ahead([waiting], "learner b")  # the last idle worker is kept for a Train: it waits
            assert pool.ahead == {"learner b": [lab_job(waiting)]}
            wait_until(lambda: not pool.ahead)
            assert not pool.asked_ahead and taken.key() in pool.busy.values()
            assert pool.status(waiting).state == "cancelled" and not pool.queue  # never queued, never run
        finally:
            for pid in pool.processes:
                os.kill(pid, signal.SIGCONT)


def test_the_cache_is_warmed_with_the_default_run_and_every_preset():
    configs = warm_up_configs()
    assert configs[0] == LabConfig() and len(set(configs)) == len(configs)
    assert {preset.config() for preset in PRESETS.values()} <= set(configs)


def test_a_killed_worker_fails_its_job_in_plain_words_and_the_next_run_works(fresh_pool):
    pool = fresh_pool
    slow = LabConfig(seed=70, **SLOW)
    pool.submit(slow)
    wait_until(lambda: pool.status(slow).state == "running")
    os.kill(worker_of(pool, slow), signal.SIGKILL)
    wait_until(lambda: pool.status(slow).state == "failed")
    assert pool.status(slow).error == "The worker stopped unexpectedly."
    assert pool.result(LabConfig(seed=71, **TINY)).stateful.loss.shape == (1,)


def test_a_hung_job_is_stopped_with_a_message_and_the_next_run_works(tmp_path):
    with JobPool(workers=1, cache=ResultCache(tmp_path)) as pool:
        hung = LabConfig(seed=72, **SLOW)
        pool.submit(hung)
        wait_until(lambda: pool.status(hung).state == "running")
        os.kill(worker_of(pool, hung), signal.SIGSTOP)  # it never answers again
        pool.job_timeout = 2.0  # only now: a run is stopped once it has run this long
        wait_until(lambda: pool.status(hung).state == "failed")
        assert pool.status(hung).error == "The run took longer than 2 s and was stopped."
        pool.job_timeout = 300.0  # the next run compiles in a fresh worker: seconds on a busy machine
        assert pool.result(LabConfig(seed=73, **TINY)) is not None


def test_what_the_pool_remembers_is_forgotten_after_a_while(tmp_path):
    with JobPool(workers=1, cache=ResultCache(tmp_path)) as pool:
        configs = [LabConfig(seed=seed, **TINY) for seed in (74, 75)]
        for config in configs:
            pool.result(config)
        pool.status(demo_job("never_submitted"))
        assert len(pool.states) == 2 and len(pool.watched) == 3
        pool.forget_after = 0.5
        wait_until(lambda: not pool.states and not pool.watched and not pool.finished)
        assert [pool.status(config).state for config in configs] == ["done", "done"]  # from the cache


def test_workers_store_results_under_their_pools_version_even_after_the_code_changed(tmp_path):
    """Workers started after an update of the code on disk (a recycled worker imports it anew) still
    store results where their server looks for them."""
    with JobPool(workers=1, cache=ResultCache(tmp_path, salt="before-the-update")) as pool:
        config = LabConfig(seed=77, **TINY)
        assert pool.result(config) is not None
        assert [path.name for path in tmp_path.glob("*.npz")] == [f"{config.key()}.before-the-update.npz"]


def test_a_closed_pool_stops_its_workers_and_refuses_work(tmp_path):
    pool = JobPool(workers=2, cache=ResultCache(tmp_path))
    processes = list(pool.processes.values())
    pool.close()
    assert not any(process.is_alive() for process in processes)
    assert not pool.dispatcher.is_alive()
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(LabConfig(seed=76, **TINY))
    pool.close()  # closing twice is harmless


ORPHAN_SCRIPT = """
import sys, time
from pathlib import Path
from statelab.server.jobs import JobPool
from statelab.server.result_cache import ResultCache
pool = JobPool(workers=1, cache=ResultCache(Path(sys.argv[1])))
while list(pool.busy.values()) != [None]:
    time.sleep(0.05)
print(*pool.processes, flush=True)
time.sleep(3600)
"""


def test_workers_of_a_server_killed_outright_exit_by_themselves(tmp_path):
    server = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SCRIPT, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    (worker,) = map(int, server.stdout.readline().split())
    assert process_runs(worker)
    server.send_signal(signal.SIGKILL)  # no atexit, no close(): the pool cannot stop its workers
    server.wait()
    wait_until(lambda: not process_runs(worker))
