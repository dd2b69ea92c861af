"""A real PostgreSQL server for the class-mode tests: Debian's binaries, a throwaway cluster on loopback.

`postgres_url()` starts one server per test process (the first time it is asked) in a temporary
folder, on a free 127.0.0.1 port, and stops and deletes it when the process exits. With
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
from pathlib import Path

import pytest
from browser import free_port
from project import ROOT

# The same words as the Makefile's `postgresql` target.
INSTALL_HINT = "The class-mode tests need PostgreSQL: run 'sudo apt-get install postgresql'"
USER = "statelab"
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
        _server["url"] = _start(require_postgres_bin())
    return str(_server["url"])


def _start(folder: Path) -> str:
    """initdb a throwaway cluster, start it on a free loopback port, register its stop at exit."""
    home = Path(tempfile.mkdtemp(prefix="statelab-postgres-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(home, user.pw_uid, user.pw_gid)
    data, port = home / "data", free_port()

    def run(program: str, *arguments: str) -> None:
        command = _as_server_user([str(folder / program), *arguments])
        subprocess.run(command, check=True, capture_output=True, text=True)

    run("initdb", "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {home} -c fsync=off -c full_page_writes=off"
    run("pg_ctl", "-D", str(data), "-o", options, "-l", str(home / "server.log"), "-w", "-t", "60", "start")

    def stop() -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://{USER}@127.0.0.1:{port}/postgres"
