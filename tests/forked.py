"""Python files run as __main__ in processes forked from one that has imported what they all import first.

TensorFlow's import costs a process about 3 s of a core; the suite runs a score of programs that start
with it (the exported scripts, the import checks, the processes that share compiled programs). Each
here is a process of its own, with its own arguments, environment, folder and standard streams, forked
from one process (a `Preloaded`) that imported the `preload` modules once and ran nothing else.
multiprocessing's forkserver forks the same way, but there is one per process, and a pytest worker may
have started its own already for a job pool, with the Lab's engine preloaded.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from project import PATIENCE

# Reads one request per line on stdin ([id, file, arguments, environment, folder]) and forks a process
# for each at once; prints "EXIT [id, code]" as each ends; ends when stdin is closed and all have ended.
FORK_EACH = """
import atexit, importlib, json, os, runpy, select, sys, time, traceback

for name in json.loads(sys.argv[1]):
    importlib.import_module(name)

def run(number, path, arguments, environment, folder):
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0), os.close(null)  # the requests are not the program's input
    with open(f"{path}.{number}.out", "wb") as out, open(f"{path}.{number}.err", "wb") as err:
        os.dup2(out.fileno(), 1), os.dup2(err.fileno(), 2)
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(folder)
    sys.argv = [path, *arguments]
    try:
        runpy.run_path(path, run_name="__main__")
        code = 0
    except SystemExit as stopped:  # as the interpreter ends on it: sys.exit(), sys.exit(3), sys.exit("why")
        code = 0 if stopped.code is None else stopped.code if isinstance(stopped.code, int) else 1
        if not isinstance(stopped.code, int | None):
            print(stopped.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()  # what an interpreter runs as it ends: the program's and its imports'
    sys.stdout.flush(), sys.stderr.flush()
    os._exit(code)

children, pending, reading = {}, b"", True
while reading or children:
    if reading and select.select([0], [], [], 0.05)[0]:
        data = os.read(0, 1 << 16)
        reading, pending = bool(data), pending + data
        *lines, pending = pending.split(b"\\n")
        for request in map(json.loads, lines):
            pid = os.fork()
            if pid == 0:
                run(*request)
            children[pid] = request[0]
    elif not reading:
        time.sleep(0.05)
    while children and (ended := os.waitpid(-1, os.WNOHANG))[0]:
        print("EXIT", json.dumps([children.pop(ended[0]), os.waitstatus_to_exitcode(ended[1])]), flush=True)
"""


@dataclass(frozen=True)
class Outcome:
    """How a program ended: its exit code and what it wrote."""

    code: int
    stdout: str
    stderr: str


class Preloaded:
    """A process that imported `preload` and forks a process for each program it is asked to run."""

    def __init__(self, preload: Sequence[str]):
        self.process = subprocess.Popen(
            [sys.executable, "-c", FORK_EACH, json.dumps(list(preload))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its programs' processes with it: killed together at the end
        )
        self.numbers = itertools.count()
        self.started: dict[int, Path] = {}
        self.exits: dict[int, int] = {}
        self.changed = threading.Condition()
        threading.Thread(target=self._read_exits, daemon=True).start()

    def _read_exits(self) -> None:
        """Keep each program's exit code as the process reports it."""
        for line in self.process.stdout:
            if line.startswith("EXIT "):
                number, code = json.loads(line.removeprefix("EXIT "))
                with self.changed:
                    self.exits[number] = code
                    self.changed.notify_all()
        with self.changed:
            self.exits[-1] = self.process.wait()  # ended: nothing more comes
            self.changed.notify_all()

    def start(
        self, path: Path, arguments: Sequence[str], environment: Mapping[str, str], folder: Path
    ) -> int:
        """Start the file at `path` as __main__ with these arguments, environment and working folder, at
        once; its number, for `outcome`."""
        number = next(self.numbers)
        request = [number, str(path), list(arguments), dict(environment), str(folder)]
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        self.started[number] = path
        return number

    def outcome(self, number: int) -> Outcome:
        """Wait for program `number` to end (PATIENCE seconds at most): its exit code and output."""
        with self.changed:
            self.changed.wait_for(lambda: number in self.exits or -1 in self.exits, timeout=PATIENCE)
        assert number in self.exits, (
            f"{self.started[number]} did not end (the preloaded process: {self.exits})"
        )
        path = self.started[number]
        return Outcome(
            self.exits[number], *(Path(f"{path}.{number}{end}").read_text() for end in (".out", ".err"))
        )

    def run(
        self, path: Path, arguments: Sequence[str], environment: Mapping[str, str], folder: Path
    ) -> Outcome:
        """Run a program to its end: `start`, then its `outcome`."""
        return self.outcome(self.start(path, arguments, environment, folder))

    def close(self) -> None:
        """Kill what still runs."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.stdin.close()
        self.process.wait()


@contextlib.contextmanager
def preloaded(preload: Sequence[str]) -> Iterator[Preloaded]:
    """A `Preloaded` process for the `with` block, killed with its programs at the end."""
    process = Preloaded(preload)
    try:
        yield process
    finally:
        process.close()
