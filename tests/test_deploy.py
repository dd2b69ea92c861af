"""The deployment recipe: the container files pass their linters, and two replicas behind nginx work.

The rehearsal runs deploy/nginx.conf as shipped (only its ports changed) in front of two app replicas
on loopback that share one cache folder: a learner's session stays on one replica, and a run trained
through one replica is a cache hit through the other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from browser import ARTIFACTS, app_server, free_port
from nginx_proxy import DEPLOY, STREAM, get, nginx, replicas_seen
from project import run_async
from streamlit_client import StreamlitSession, open_page

from statelab.engine.config import LabConfig, to_query

VERDICT = "tateful"
RUN = replace(LabConfig(epochs=1, n_groups=1, n_windows=4, units=8), seed=777)


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
    session, done = run_async(learner_tab(base, cookie))
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
