"""nginx in front of app replicas, for the deployment rehearsals: deploy/nginx.conf as shipped, ports changed.

nginx runs in the foreground from a temporary prefix folder, logging for every request the replica
cookie, the replica that served it (upstream address), the status and the path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from browser import ARTIFACTS, require_debian_package
from project import ROOT

DEPLOY = ROOT / "deploy"
NGINX = Path("/usr/sbin/nginx")
NGINX_HINT = "The two-replica rehearsal needs Debian's nginx: run 'sudo apt-get install nginx'"
LOG_FORMAT = "'$cookie_statelab_replica $upstream_addr $status $request_uri'"
STREAM = "/_stcore/stream"  # the WebSocket of a Streamlit session


def site_config(listen: int, replicas: list[int]) -> str:
    """deploy/nginx.conf with its ports replaced by the rehearsal's."""
    text = (DEPLOY / "nginx.conf").read_text()
    changes = {"listen 8080;": f"listen 127.0.0.1:{listen};"}
    changes |= {
        f"server 127.0.0.1:{8501 + index};": f"server 127.0.0.1:{port};"
        for index, port in enumerate(replicas)
    }
    for old, new in changes.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


@contextlib.contextmanager
def nginx(listen: int, replicas: list[int]) -> Iterator[Path]:
    """nginx in front of the replicas, in the foreground, until the block ends; yields its access log."""
    require_debian_package(NGINX, "nginx", NGINX_HINT)
    folder = Path(tempfile.mkdtemp(prefix="statelab-nginx-"))
    (folder / "statelab.conf").write_text(site_config(listen, replicas))
    user = "user root;" if os.geteuid() == 0 else ""  # workers may write the temporary files here
    temporary = " ".join(
        f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    log_format replica {LOG_FORMAT};
    access_log {folder}/access.log replica;
    {temporary}
    include {folder}/statelab.conf;
}}
"""
    )
    check = subprocess.run(
        [str(NGINX), "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen(
        [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not listening(listen):
            assert server.poll() is None and time.monotonic() < deadline, (folder / "error.log").read_text()
            time.sleep(0.1)
        yield folder / "access.log"
    finally:
        server.terminate()
        server.wait(15)
        shutil.copy(folder / "error.log", ARTIFACTS / "nginx-error.log")
        shutil.rmtree(folder, ignore_errors=True)  # its config, logs and temporary files: one per use


def listening(port: int) -> bool:
    """Whether something accepts connections on this loopback port."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(url: str, cookie: str = "") -> tuple[int, str]:
    """(status, the replica cookie the proxy set) of a GET through the proxy."""
    request = urllib.request.Request(url, headers={"Cookie": f"statelab_replica={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        header = response.headers.get("Set-Cookie", "")
        return response.status, header.split(";")[0].removeprefix("statelab_replica=")


def replicas_seen(access_log: Path, cookie: str, *requests: str) -> set[str]:
    """The replicas (upstream addresses) that served requests with this cookie, from nginx's log, once
    it holds a line for each of `requests` (paths; nginx writes a line when a request or a WebSocket
    ends, which a client can see happen before the line is written)."""
    deadline = time.monotonic() + 60
    while True:
        lines = [line.split() for line in access_log.read_text().splitlines()]
        mine = [fields for fields in lines if fields[0] == cookie]
        missing = Counter(requests) - Counter(fields[3].split("?")[0] for fields in mine)
        if not missing:
            return {fields[1] for fields in mine if fields[1] != "-"}
        assert time.monotonic() < deadline, f"nginx never logged {dict(missing)} for {cookie}"
        time.sleep(0.05)
