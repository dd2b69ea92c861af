"""Compiled programs kept on disk, shared by every worker, replica and restart: XLA's persistent cache.

A new shape costs the engine seconds of XLA compilation; TensorFlow can save each compiled program
and load it in any later process (`TF_XLA_FLAGS=--tf_xla_persistent_cache_directory=DIR`, read at
TensorFlow's first use of XLA's flags: `enable` sets it, has TensorFlow read the flags, then takes
it back so that processes started later do not share this one's folder). TensorFlow writes a program in
place, so a process reading a file another one is writing could fail its run. So each process
gets a folder of its own holding hard links to the shared programs (`sync` adds the ones
published since), and `sync` publishes the programs it compiled into the shared folder with one
atomic link each. The shared folder sits in the result cache's folder (or in STATELAB_PROGRAMS, when set:
a folder of its own, for example on a host's local disk, or one test run's for all its processes), under
Keras's and TensorFlow's versions and the kind of CPU, for every process alike: a server's workers, its
replicas, a notebook or a test process with STATELAB_CACHE set. It keeps at most `MAX_BYTES`, the oldest
removed first.

Not under the result cache's version salt: that one changes with every file of the package (a lesson's
wording too), and a program does not. TensorFlow finds a program by a hash of its XLA module, so a
change of the code that changes a program makes it another program; one that does not keeps it.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import itertools
import os
import platform
import shutil
import socket
import sys
import time
from collections import Counter
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from statelab.engine.storage import cache_directory, chosen_cache_directory, files_oldest_first

FLAG = "--tf_xla_persistent_cache_directory"
PROGRAMS = "STATELAB_PROGRAMS"  # the folder for compiled programs, when not programs/ in the cache folder
MAX_BYTES = 300_000_000  # about 600 programs: the form's common shapes several times over
PROCESS_FOLDER = f".process-{socket.gethostname()}-"  # replicas on other hosts share the folder too
OTHER_VERSIONS_AFTER = 3600.0  # seconds unused before another version's programs are removed

_own: Path | None = None  # this process's folder, once enabled
_deferred = False  # the engine's import leaves the folder to the processes forked from this one
_traced: Counter[str] = Counter()  # how often each stable_names key was traced in this process


def programs_folder(cache: Path | None = None) -> Path:
    """The shared folder of compiled programs: in STATELAB_PROGRAMS when set (not empty), else in programs/
    of the cache folder (`cache`, or STATELAB_CACHE); one per Keras and TensorFlow versions and kind of CPU
    (XLA compiles for the host's instruction set, and TensorFlow loads a program compiled for another
    with only a warning: "This could lead to execution errors such as SIGILL")."""
    base = os.environ.get(PROGRAMS) or Path(cache or cache_directory()) / "programs"
    return Path(base) / library_versions() / cpu_kind()


def cpu_kind() -> str:
    """The machine and a digest of the CPU's feature flags, as "x86_64-1a2b3c4d5e6f": replicas on
    machines with other instruction sets keep their programs apart."""
    flags = platform.processor()
    with contextlib.suppress(OSError):
        cpuinfo = Path("/proc/cpuinfo").read_text()
        flags = next((line for line in cpuinfo.splitlines() if line.startswith(("flags", "Features"))), flags)
    return f"{platform.machine()}-{hashlib.sha256(' '.join(sorted(flags.split())).encode()).hexdigest()[:12]}"


def library_versions() -> str:
    """ "keras-3.15.1-tensorflow-2.21.0": the versions a compiled program depends on besides its module."""
    found = []
    for names in (("keras",), ("tensorflow", "tensorflow-cpu")):
        for name in names:
            with contextlib.suppress(PackageNotFoundError):
                found.append(f"{names[0]}-{version(name)}")
                break
    return "-".join(found)


def defer() -> None:
    """In a process that imports the engine only for the workers forked from it (a job pool's
    forkserver): the import then chooses no folder and reads none of XLA's flags, which a forked worker
    would inherit (every worker writing into this process's folder, under its cache); each worker calls
    `enable` with its pool's cache."""
    global _deferred
    _deferred = True


def enable_on_import() -> Path | None:
    """`enable` with the default folder (`programs_folder()`), as the engine's import calls
    it, unless `defer` was called in this process (or the one it was forked from)."""
    return None if _deferred else enable()


def enable(shared: Path | None = None) -> Path | None:
    """Have XLA keep its programs in this process's folder in the `shared` one (`programs_folder()` by
    default); returns this process's folder.

    Does nothing (returns None) when no folder is chosen (`shared`, or STATELAB_PROGRAMS or STATELAB_CACHE
    set, not empty), when TF_XLA_FLAGS already names a persistent cache, or once TensorFlow has run an
    operation.
    """
    global _own
    if _own is not None:
        return _own
    original = os.environ.get("TF_XLA_FLAGS")
    flags = original or ""
    chosen = shared is not None or os.environ.get(PROGRAMS) or chosen_cache_directory()
    if not chosen or FLAG in flags or _tensorflow_started():
        return None
    shared = shared or programs_folder()
    _remove_other_versions(shared.parent)
    _own = shared / f"{PROCESS_FOLDER}{os.getpid()}"
    _own.mkdir(parents=True, exist_ok=True)
    os.environ["TF_XLA_FLAGS"] = f"{flags} {FLAG}={_own}".strip()
    try:
        from tensorflow.python import pywrap_tfe

        pywrap_tfe.TF_GetXlaConstantFoldingDisabled()  # reads every XLA flag now, the context left alone
    finally:  # and processes started from this one do not write into this one's folder
        if original is None:
            del os.environ["TF_XLA_FLAGS"]
        else:
            os.environ["TF_XLA_FLAGS"] = original
    sync()
    atexit.register(_leave)
    return _own


def sync() -> None:
    """Publish the programs this process compiled, then link the ones other processes published."""
    if _own is None:
        return
    shared = _own.parent
    mine = {path.name for path in _own.glob("*.pb")}
    theirs = {path.name for path in shared.glob("*.pb")}
    for name in mine - theirs:
        _link(_own / name, shared / name)
    for name in theirs - mine:
        _link(shared / name, _own / name)
    _prune(shared)


def _leave() -> None:
    """At exit: publish what is left, remove this process's folder (a killed process's goes in `_prune`)."""
    sync()
    shutil.rmtree(_own, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    """Make `target` the file `source` is, in one step (a copy where links are not possible)."""
    with contextlib.suppress(FileExistsError, FileNotFoundError):  # another process was first, or pruned it
        try:
            os.link(source, target)
        except OSError:
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(source, partial)
            partial.replace(target)


def _prune(shared: Path) -> None:
    """Keep the shared programs under MAX_BYTES, the oldest removed first; drop folders of dead processes."""
    files = files_oldest_first(shared.glob("*.pb"))
    total = sum(size for _, size in files)
    for path, size in files:
        if total <= MAX_BYTES:
            break
        path.unlink(missing_ok=True)
        total -= size
    for folder in shared.glob(f"{PROCESS_FOLDER}*"):
        if not _alive(int(folder.name.removeprefix(PROCESS_FOLDER))):
            shutil.rmtree(folder, ignore_errors=True)


def _remove_other_versions(version: Path) -> None:
    """Programs of other versions are not loaded again once no replica of them runs: remove them. Only
    folders named as `library_versions` names them ("keras-..."), and nothing else that STATELAB_PROGRAMS's
    folder may hold; folders of the layout before it (under a code version's salt) too."""
    for folder in version.parent.glob("*"):
        if not (folder.name.startswith("keras-") or _old_salt(folder.name)):
            continue
        with contextlib.suppress(FileNotFoundError):
            # a folder's time changes when a program is published in it: its kinds of CPU are its children
            changed = max(path.stat().st_mtime for path in (folder, *folder.glob("*")))
            if folder != version and time.time() - changed > OTHER_VERSIONS_AFTER:
                shutil.rmtree(folder, ignore_errors=True)


def _old_salt(name: str) -> bool:
    """Whether a folder's name is a result cache's version salt (ten hexadecimal digits): programs kept
    by versions of this code before they were kept by library versions."""
    return len(name) == 10 and all(character in "0123456789abcdef" for character in name)


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else, or the platform cannot tell
        return True
    return True


def _tensorflow_started() -> bool:
    """Whether TensorFlow has run an operation in this process (it has read TF_XLA_FLAGS then)."""
    if "tensorflow" not in sys.modules:
        return False
    from tensorflow.python.eager import context

    return context.context()._context_handle is not None


@contextlib.contextmanager
def stable_names(key: str) -> Iterator[None]:
    """Trace under names that depend on `key` only, not on what the process traced before.

    A program is found on disk by a hash of its XLA module, which holds the names of the traced
    functions, and TensorFlow numbers those from a counter of the whole process: the same call traced
    after other work gets other names, and would be compiled again. While tracing, the counter runs
    from a point of its own for each key, far above the process's (2**40 and up), so names stay
    unique in the process and equal in every process.
    """
    from tensorflow.python.framework import ops

    # A key traced again in this process (another core of the same kind) takes the next range: the
    # names of a process must differ (TensorFlow registers a traced custom gradient under its name).
    _traced[key] += 1
    key = f"{key}#{_traced[key]}"
    start = (int(hashlib.sha256(key.encode()).hexdigest()[:10], 16) + 1) << 20
    counter = itertools.count(start)
    process_counter = ops.uid
    ops.uid = lambda: next(counter)
    try:
        yield
    finally:
        ops.uid = process_counter
