"""Hub itself under gunicorn on a free loopback port, with its own data dir: what real clients talk to."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.integration import free_port, port_open

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class HubServer:
    host: str  # "127.0.0.1:PORT", what clients put in image references
    data_dir: Path
    env: dict

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def user_create(self, username: str, password: str) -> None:
        code = (
            f"from hub.accounts.services import user_create; user_create(username={username!r}, password={password!r})"
        )
        self.manage("shell", "-c", code)

    def token_create(self, username: str, scope: str = "read-write-delete") -> str:
        return self.manage("create_token", username, "--scope", scope).strip()


def server_env(data_dir: Path, port: int, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUB_BLOB_DIR")}
    env.update(
        {
            "HUB_DATA_DIR": str(data_dir),
            "HUB_DEMO": "0",
            "HUB_BIND": f"127.0.0.1:{port}",
            "HUB_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "DJANGO_SETTINGS_MODULE": "hub.settings",
            "HUB_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra or {})
    return env


@contextmanager
def hub_server(workdir: Path, *, workers: int = 2, extra_env: dict | None = None):
    port = free_port()
    data_dir = workdir / "hub-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(data_dir, port, extra_env)
    server = HubServer(f"127.0.0.1:{port}", data_dir, env)
    server.manage("migrate", "--noinput", "-v", "0")
    log = open(workdir / "gunicorn.log", "w")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    command = [
        gunicorn, "hub.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", "8", "--timeout", "120",
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            if port_open("127.0.0.1", port):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(workdir / 'gunicorn.log').read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def celery_worker(server: HubServer, workdir: Path, name: str):
    """A Celery worker process on every queue, beside `server` (its settings, database and broker); its log is
    `server.worker_log`. Waits until the worker is ready; stopped (the whole process group) on exit."""
    log_path = workdir / "worker.log"
    log = open(log_path, "w")
    celery = os.path.join(os.path.dirname(sys.executable), "celery")
    command = [
        celery, "-A", "hub", "worker", "--queues", "default,index,mirror,vulns,maintenance", "--concurrency", "2",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h",
    ]  # fmt: skip
    worker = subprocess.Popen(
        command, cwd=ROOT, env=server.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server.worker_log = log_path
    try:
        for _ in range(600):
            if "ready." in log_path.read_text():
                break
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited: {log_path.read_text()}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"the worker did not start: {log_path.read_text()}")
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
