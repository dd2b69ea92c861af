"""A real PostgreSQL server for the class-mode tests: Debian's binaries, a throwaway cluster on loopback.

`postgres_url()` starts one server per test process (the first time it is asked) in a temporary
folder, on a free 127.0.0.1 port, and stops and deletes it when the process exits;
`throwaway_postgres()` gives a test a server of its own that it may stop and start. With
STATELAB_TEST_DATABASE_URL set, that server is used instead. When the binaries are missing, root
installs them with `make postgresql` (as `make test` does); anyone else gets a skip with the command.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import free_port
from project import ROOT

# The same words as the Makefile's `postgresql` target.
INSTALL_HINT = "The class-mode tests need PostgreSQL: run 'sudo apt-get install postgresql'"
USER = "statelab"
SPEED_OPTIONS = "-c fsync=off -c full_page_writes=off"  # a throwaway cluster: no flush to disk needed
_server: dict[str, object] = {}


def postgres_bin() -> Path | None:
    """The folder of Debian's newest PostgreSQL server binaries (initdb, pg_ctl), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def require_postgres_bin() -> Path:
    """Debian's PostgreSQL binaries: installed as root (like `make postgresql`) when missing, else skip."""
    if postgres_bin() is None:
        if os.geteuid() != 0:
            pytest.skip(INSTALL_HINT)
        subprocess.run(["make", "--no-print-directory", "postgresql"], cwd=ROOT, check=True)
    folder = postgres_bin()
    assert folder is not None, INSTALL_HINT
    return folder


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run the command as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def postgres_url() -> str:
    """The URL of this test process's PostgreSQL server (started on first use)."""
    if os.environ.get("STATELAB_TEST_DATABASE_URL"):
        return os.environ["STATELAB_TEST_DATABASE_URL"]
    if "url" not in _server:
        cluster = Cluster(require_postgres_bin())
        atexit.register(cluster.remove)
        _server["url"] = cluster.url
    return str(_server["url"])


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[Cluster]:
    """A PostgreSQL server of its own for one test (which may stop and start it), removed afterwards."""
    cluster = Cluster(require_postgres_bin())
    try:
        yield cluster
    finally:
        cluster.remove()


class Cluster:
    """A throwaway cluster: initdb in a temporary folder, served on a free loopback port until removed.

    `stop` and `start` take the server down and bring it back on the same port with the same data, as
    a restart of a database server does.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.home = Path(tempfile.mkdtemp(prefix="statelab-postgres-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.home, user.pw_uid, user.pw_gid)
        self.data, self.port = self.home / "data", free_port()
        self.url = f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        self.start()

    def _run(self, program: str, *arguments: str) -> None:
        command = _as_server_user([str(self.folder / program), *arguments])
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> None:
        """Start the server (and wait until it accepts connections)."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.home} {SPEED_OPTIONS}"
        log = str(self.home / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" ends every session at once (as a restart does), "immediate" kills it."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)
