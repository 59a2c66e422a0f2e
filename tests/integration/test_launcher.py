"""`make run`'s launcher, for real: web, worker and beat processes on a free port.

Runs on the embedded default (SQLite, filesystem broker) and on PostgreSQL + Redis.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.helpers.integration import free_port, port_open, require

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration
POSTGRES_ADMIN_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def healthz(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def descendants(pid: int) -> set[int]:
    """Every process whose ancestry leads to pid, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def postgres_and_redis():
    import psycopg

    require(port_open("127.0.0.1", 5432), "PostgreSQL is not listening on 127.0.0.1:5432")
    require(port_open("127.0.0.1", 6379), "Redis is not listening on 127.0.0.1:6379")
    name = f"hub_launcher_{uuid.uuid4().hex[:8]}"
    admin_url = POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield {"DATABASE_URL": f"{base}/{name}", "REDIS_URL": "redis://127.0.0.1:6379/14"}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["embedded", "postgres+redis"])
def launcher_env(request, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    port = free_port()
    env.update(
        HUB_DATA_DIR=str(tmp_path / "data"),
        HUB_BIND=f"127.0.0.1:{port}",
        HUB_DEMO="0",
        HUB_WEB_WORKERS="1",
        HUB_WORKER_HEARTBEAT_SECONDS="2",
        DJANGO_SUPERUSER_USERNAME="",
        DJANGO_SUPERUSER_PASSWORD="",
        PYTHONUNBUFFERED="1",
    )
    if request.param == "postgres+redis":
        env.update(request.getfixturevalue("postgres_and_redis"))
    return env, f"http://127.0.0.1:{port}"


def test_launcher_serves_runs_tasks_and_stops_cleanly(launcher_env, tmp_path):
    env, base = launcher_env
    log = open(tmp_path / "launcher.log", "w+")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "hub.launcher"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        status, body = 0, {}
        while time.monotonic() < deadline and launcher.poll() is None:
            try:
                status, body = healthz(base)
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                status = 0
            if status == 200:
                break
            time.sleep(1)
        log.seek(0)
        output = log.read()
        assert status == 200, f"healthz never became healthy: {body}\n{output[-4000:]}"
        assert body["worker"]["ok"] is True

        assert "Created admin account 'admin' with password:" in output
        assert f"Hub is starting at {base}/" in output
        with urllib.request.urlopen(f"{base}/", timeout=5) as response:
            assert response.status == 200
            assert b"No images yet" in response.read()

        # A task through the real broker, answered by the launcher's worker.
        ping = subprocess.run(
            [sys.executable, "manage.py", "ping_worker", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert ping.returncode == 0, ping.stderr
        assert "worker answered: pong" in ping.stdout

        children = descendants(launcher.pid)
        assert len(children) >= 3  # web, worker, beat, and their own children
    finally:
        launcher.send_signal(signal.SIGINT)
        code = launcher.wait(timeout=60)
    assert code == 0
    time.sleep(0.5)
    assert [pid for pid in children if alive(pid)] == []
