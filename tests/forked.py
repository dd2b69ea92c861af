"""Python files run as __main__ in processes forked from one that has imported what they all import first.

TensorFlow's import costs a process about 3 s of a core; the suite runs a dozen programs that start with
it (the exported scripts, the import checks). Each here is its own process, with its own arguments and
standard streams, started by `os.fork` from one process that imported the `preload` modules once.
multiprocessing's forkserver forks the same way, but there is one per process, and a pytest worker may
have started its own already for a job pool, with the Lab's engine preloaded.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from project import PATIENCE

FORK_EACH = """
import importlib, json, os, runpy, sys, traceback

preload, programs = json.loads(sys.argv[1])
for name in preload:
    importlib.import_module(name)

def run(path, arguments):
    with open(path + ".out", "wb") as out, open(path + ".err", "wb") as err:
        os.dup2(out.fileno(), 1), os.dup2(err.fileno(), 2)
    sys.argv = [path, *arguments]
    try:
        runpy.run_path(path, run_name="__main__")
        code = 0
    except SystemExit as stopped:
        code = stopped.code if isinstance(stopped.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush(), sys.stderr.flush()
    os._exit(code)

children = {}
for path, arguments in programs:
    pid = os.fork()
    if pid == 0:
        run(path, arguments)
    children[pid] = path
for _ in children:
    pid, status = os.wait()
    print("EXIT", json.dumps([children[pid], os.waitstatus_to_exitcode(status)]), flush=True)
"""


@dataclass(frozen=True)
class Outcome:
    """How a program ended: its exit code and what it wrote."""

    code: int
    stdout: str
    stderr: str


class Forked:
    """Programs started at once, each forked from the preloading process; `outcome` waits for them all."""

    def __init__(self, process: subprocess.Popen):
        self.process = process

    @functools.cached_property
    def exit_codes(self) -> dict[str, int]:
        """Each program's path -> its exit code, once every program has ended."""
        stdout, _ = self.process.communicate(timeout=PATIENCE)
        assert self.process.returncode == 0, stdout
        exits = [line.removeprefix("EXIT ") for line in stdout.splitlines() if line.startswith("EXIT ")]
        return dict(json.loads(line) for line in exits)

    def outcome(self, path: Path) -> Outcome:
        """The exit code and output of the program at `path`."""
        code = self.exit_codes[str(path)]
        return Outcome(code, *(Path(f"{path}{suffix}").read_text() for suffix in (".out", ".err")))


@contextlib.contextmanager
def forked(
    preload: Sequence[str], programs: Sequence[tuple[Path, Sequence[str]]], cwd: Path, env: dict[str, str]
) -> Iterator[Forked]:
    """Run each (file, arguments) of `programs` as __main__, each in a process forked from one that imported
    `preload`, in `cwd` with environment `env`; their output goes to FILE.out and FILE.err. Any still
    running at the end are killed."""
    started = [(str(path), list(arguments)) for path, arguments in programs]
    process = subprocess.Popen(
        [sys.executable, "-c", FORK_EACH, json.dumps([list(preload), started])],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its programs' processes with it: killed together at the end
    )
    try:
        yield Forked(process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
