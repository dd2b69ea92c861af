"""Compiled programs on disk: shared between processes whatever they traced before, bounded, versioned."""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest
from forked import preloaded
from project import ROOT

from statelab.engine import compile_cache
from statelab.engine.storage import cache_directory

# a process that runs (or only compiles) configs and prints, after each, the shared programs and a digest
RUNS = """
import json, sys
sys.path.insert(0, "tests")
from dataclasses import replace
from test_training import TINY, digest
from statelab import run_lab
from statelab.engine import compile_cache
from statelab.server.warm_shapes import compile_config
for changes in json.loads(sys.argv[1]):
    config = replace(TINY, **{name: value for name, value in changes.items() if name != "compile_only"})
    result = compile_config(config) if changes.get("compile_only") else digest(run_lab(config))
    shared = sorted(path.name for path in compile_cache._own.parent.glob("*.pb"))
    print("RUN", json.dumps({"programs": shared, "digest": result}))
"""


@pytest.fixture(scope="module")
def run_in_a_process(tmp_path_factory):
    """run(cache, *configs): run configs (changes to TINY; "compile_only": compile them) one after another
    in a new process with this cache folder (forked from one that imported TensorFlow and Keras and ran
    nothing: XLA reads its flags at its first use, in the new process; tests/forked.py)."""
    script = tmp_path_factory.mktemp("runs") / "runs.py"
    script.write_text(RUNS)
    with preloaded(["tensorflow", "keras", "numpy"]) as process:

        def run(cache, *configs: dict) -> list[dict]:
            environment = {**os.environ, "STATELAB_CACHE": str(cache), "TF_CPP_MIN_LOG_LEVEL": "3"}
            for name in ("TF_XLA_FLAGS", compile_cache.PROGRAMS):  # the programs in this cache folder alone
                environment.pop(name, None)
            done = process.run(script, [json.dumps(configs)], environment, ROOT)
            assert done.code == 0, done.stderr[-3000:]
            lines = done.stdout.splitlines()
            return [json.loads(line.removeprefix("RUN ")) for line in lines if line.startswith("RUN ")]

        yield run


@pytest.mark.training
def test_a_program_compiled_by_one_process_is_loaded_by_another_whatever_it_ran_before(
    tmp_path, run_in_a_process
):
    (first,) = run_in_a_process(tmp_path, {"timesteps": 4})
    assert first["programs"], "the first process published the programs it compiled"
    other, again = run_in_a_process(tmp_path, {"units": 5}, {"timesteps": 4})
    assert set(first["programs"]) < set(other["programs"])  # units 5 is a new shape: compiled
    assert again["programs"] == other["programs"]  # traced after other work, found on disk all the same
    assert again["digest"] == first["digest"]  # and the loaded programs give the same numbers


@pytest.mark.training
def test_each_layer_has_programs_of_its_own_found_by_another_process(tmp_path, run_in_a_process):
    lstm, gru = run_in_a_process(tmp_path, {"timesteps": 4}, {"timesteps": 4, "layer": "gru"})
    assert set(lstm["programs"]) < set(gru["programs"])  # same shape, another layer: compiled anew
    assert gru["digest"] != lstm["digest"]
    (alone,) = run_in_a_process(tmp_path, {"timesteps": 4, "layer": "gru"})
    assert alone["programs"] == gru["programs"] and alone["digest"] == gru["digest"]  # loaded, same numbers


@pytest.mark.training
def test_a_compiled_shape_needs_no_other_program_for_any_seed_policy_or_number_of_batches(
    tmp_path, run_in_a_process
):
    compiled, run = run_in_a_process(
        tmp_path,
        {"timesteps": 6, "compile_only": True},
        {"timesteps": 6, "seed": 4, "shuffle": True, "reset": "never", "n_groups": 3, "epochs": 1},
    )
    assert compiled["programs"] and run["programs"] == compiled["programs"]


def test_the_shared_programs_stay_under_their_bound_oldest_first(tmp_path, monkeypatch):
    monkeypatch.setattr(compile_cache, "MAX_BYTES", 2500)
    for age, name in enumerate(["newest", "middle", "oldest"]):
        path = tmp_path / f"{name}.pb"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (time.time() - 100 * age,) * 2)
    compile_cache._prune(tmp_path)
    assert sorted(path.stem for path in tmp_path.glob("*.pb")) == ["middle", "newest"]


def test_only_other_versions_unused_for_an_hour_are_removed_whatever_else_the_folder_holds(tmp_path):
    version = tmp_path / compile_cache.library_versions()
    old, recent, salt, other = (
        tmp_path / name
        for name in ("keras-3.0.0-tensorflow-2.16.1", "keras-3.1.0-tensorflow-2.17.0", "0a1b2c3d4e", "notes")
    )
    for folder in (version, old, recent, salt, other):
        (folder / "x86_64-123456789abc").mkdir(parents=True)
    an_hour_ago = time.time() - compile_cache.OTHER_VERSIONS_AFTER - 60
    # unused for more than an hour (all but `recent`): the folder and its kinds of CPU
    for folder in (version, old, salt, other):
        for path in (folder / "x86_64-123456789abc", folder):
            os.utime(path, (an_hour_ago, an_hour_ago))
    compile_cache._remove_other_versions(version)
    # this version's, another version used lately, and what is not programs (STATELAB_PROGRAMS may be shared)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([version.name, recent.name, other.name])


def test_folders_of_processes_that_ended_are_removed(tmp_path):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pids = (os.getpid(), int(ended.stdout))
    mine, theirs = (tmp_path / f"{compile_cache.PROCESS_FOLDER}{pid}" for pid in pids)
    for folder in (mine, theirs):
        folder.mkdir()
    compile_cache._prune(tmp_path)
    assert mine.exists() and not theirs.exists()


def test_sync_publishes_a_processs_programs_and_takes_the_others(tmp_path, monkeypatch):
    shared, own = tmp_path, tmp_path / f"{compile_cache.PROCESS_FOLDER}{os.getpid()}"
    own.mkdir()
    (own / "compiled_here.pb").write_bytes(b"mine")
    (shared / "compiled_elsewhere.pb").write_bytes(b"theirs")
    monkeypatch.setattr(compile_cache, "_own", own)
    compile_cache.sync()
    assert {path.name for path in own.glob("*.pb")} == {path.name for path in shared.glob("*.pb")}
    assert (shared / "compiled_here.pb").stat().st_ino == (own / "compiled_here.pb").stat().st_ino


@pytest.mark.parametrize(
    ("flags", "folder"), [("--tf_xla_persistent_cache_directory=/elsewhere", None), ("", ""), ("", "unset")]
)
def test_enable_leaves_a_chosen_cache_or_a_process_without_a_cache_folder_alone(monkeypatch, flags, folder):
    monkeypatch.setattr(compile_cache, "_own", None)
    monkeypatch.setenv("TF_XLA_FLAGS", flags)
    monkeypatch.delenv(compile_cache.PROGRAMS)
    if folder == "unset":
        monkeypatch.delenv("STATELAB_CACHE")
    elif folder is not None:
        monkeypatch.setenv("STATELAB_CACHE", folder)  # empty: no folder (not the current one)
    assert compile_cache.enable() is None
    assert os.environ["TF_XLA_FLAGS"] == flags


def test_an_empty_cache_setting_means_the_default_folder(monkeypatch):
    monkeypatch.setenv("STATELAB_CACHE", "")
    assert cache_directory().name == ".statelab-cache" and cache_directory().is_absolute()


def test_programs_are_kept_per_version_and_kind_of_cpu(tmp_path, monkeypatch):
    kind = compile_cache.cpu_kind()
    versions = compile_cache.library_versions()
    chosen = Path(os.environ[compile_cache.PROGRAMS])  # tests/project.py sets it: the run's folder
    assert compile_cache.programs_folder(tmp_path) == chosen / versions / kind
    monkeypatch.delenv(compile_cache.PROGRAMS)  # the default: in the cache folder
    assert compile_cache.programs_folder(tmp_path) == tmp_path / "programs" / versions / kind
    assert versions.startswith("keras-") and "-tensorflow-" in versions
    assert kind.startswith(f"{platform.machine()}-") and kind == compile_cache.cpu_kind()


def test_a_key_traced_again_in_one_process_gets_names_of_its_own():
    from tensorflow.python.framework import ops

    def names(key: str) -> list[int]:
        with compile_cache.stable_names(key):
            return [ops.uid(), ops.uid()]

    first, again, other = names("core/5/train"), names("core/5/train"), names("core/6/train")
    assert len({*first, *again, *other}) == 6  # TensorFlow registers a custom gradient under such a name
    assert ops.uid() < 2**40  # the process's own counter is back
