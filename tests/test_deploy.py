"""The deployment recipe: the container files pass their linters, and two replicas behind nginx work.

The rehearsal runs deploy/nginx.conf as shipped (only its ports changed) in front of two app replicas
on loopback that share one cache folder: a learner's session stays on one replica, and a run trained
through one replica is a cache hit through the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from browser import ARTIFACTS, app_server, free_port, require_debian_package
from project import ROOT
from streamlit_client import StreamlitSession, open_page

from statelab.config import LabConfig, to_query

DEPLOY = ROOT / "deploy"
NGINX = Path("/usr/sbin/nginx")
NGINX_HINT = "The two-replica rehearsal needs Debian's nginx: run 'sudo apt-get install nginx'"
VERDICT = "tateful"
RUN = replace(LabConfig(epochs=1, n_groups=1, n_windows=4, units=8), seed=777)
LOG_FORMAT = "'$cookie_statelab_replica $upstream_addr $status $request_uri'"
STREAM = "/_stcore/stream"  # the WebSocket of a Streamlit session


def tool(name: str) -> str:
    """A command installed with the test requirements (beside this Python), or on the PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: install the test requirements (make test does)")
    return found


@pytest.mark.build
def test_the_kubernetes_manifest_is_valid():
    result = subprocess.run(
        [tool("kubernetes-validate"), "--strict", str(DEPLOY / "kubernetes.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") >= 4  # deployment, volume claim, service, ingress


@pytest.mark.build
@pytest.mark.skipif(sys.platform == "win32", reason="hadolint's wheels have no Windows binary")
def test_the_dockerfile_passes_hadolint():
    result = subprocess.run(
        [tool("hadolint"), str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


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


async def learner_tab(base: str, cookie: str) -> tuple[StreamlitSession, bool]:
    """A learner's tab on the Lab link of RUN, through the proxy; whether it showed its verdict in time."""
    query = "&".join(f"{name}={value}" for name, value in to_query(RUN).items())
    session = await open_page(base, "lab", query, cookies={"statelab_replica": cookie})
    done = await session.shows(
        lambda tab: tab.exceptions or tab.first_alert(VERDICT, ("info",)) is not None, 900
    )
    await session.close()
    return session, done


def open_lab(base: str, cookie: str) -> StreamlitSession:
    """A learner's tab on the Lab link of RUN, through the proxy, waiting for its verdict."""
    session, done = asyncio.run(learner_tab(base, cookie))
    assert done and not session.exceptions, (session.exceptions, session.alerts, session.closed)
    return session


@pytest.mark.server
def test_two_replicas_behind_nginx_keep_sessions_and_share_the_cache(tmp_path):
    env = {"STATELAB_WORKERS": "1", "STATELAB_CACHE": str(tmp_path / "shared-cache"), "STATELAB_WARM": "0"}
    logs = [ARTIFACTS / f"replica-{name}.log" for name in "ab"]
    with app_server(log_path=logs[0], env=env) as first, app_server(log_path=logs[1], env=env) as second:
        ports = [int(url.rsplit(":", 1)[1]) for url in (first, second)]
        listen = free_port()
        base = f"http://127.0.0.1:{listen}"
        with nginx(listen, ports) as access_log:
            status, cookie = get(base + "/")
            assert status == 200 and cookie, "the proxy gives a new browser its replica cookie"
            trained = open_lab(base, cookie)  # trains RUN on this cookie's replica
            for _ in range(3):
                assert get(base + "/lab", cookie) == (200, cookie)
            # page, WebSocket and later requests: one replica
            (replica,) = replicas_seen(access_log, cookie, STREAM, *["/lab"] * 3)
            other_cookie = next(
                candidate
                for candidate in (f"learner-{index}" for index in range(40))
                if get(base + "/_stcore/health", candidate)
                and replicas_seen(access_log, candidate, "/_stcore/health") - {replica}
            )
            cached = open_lab(base, other_cookie)
            assert replicas_seen(access_log, other_cookie, STREAM) == {
                f"127.0.0.1:{port}" for port in ports
            } - {replica}
    assert trained.progress, "the first replica trained the run (its page showed the progress)"
    assert cached.progress == "", "the other replica found the run in the shared cache: no progress at all"
    for log in logs:
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
