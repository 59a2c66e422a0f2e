"""Hub's back end for real: a fresh PostgreSQL database, Redis as the broker, and a Celery worker
process (`celery -A hub worker`, every queue) that can be killed and started again.

The test process never imports Hub's settings for this database: it talks to the Hub the way an
operator does, through `manage.py` in subprocesses, and reads state with plain SQL.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.integration import port_open, require

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
# A Redis database of its own, flushed before and after, so no other worker takes these tasks.
REDIS_URL = os.environ.get("HUB_TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/13")
QUEUES = "default,index,mirror,vulns,maintenance"


def _psycopg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


class Hub:
    def __init__(self, workdir: Path, env: dict, database_url: str):
        self.workdir, self.env, self.database_url = workdir, env, database_url
        self.worker: subprocess.Popen | None = None
        self.worker_starts = 0

    # --- manage.py ---------------------------------------------------------------------------------
    def manage(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args[:2])} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
            )
        return result.stdout

    def shell_json(self, code: str):
        """Run `code` in `manage.py shell`; it must assign `result`, which comes back through JSON."""
        program = f"import json\n{code}\nprint('<<JSON>>' + json.dumps(result, default=str))"
        out = self.manage("shell", "-c", program)
        return json.loads(out.rsplit("<<JSON>>", 1)[1])

    # --- SQL ---------------------------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(_psycopg_url(self.database_url), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def manifest_status(self, repository: str, tag: str) -> str | None:
        """index_status of the manifest `repository:tag` points at (None until the tag exists)."""
        namespace, name = repository.split("/", 1)
        rows = self.query(
            """SELECT m.index_status FROM images_manifest m
               JOIN images_tag t ON t.manifest_id = m.id
               JOIN images_repository r ON r.id = t.repository_id
               JOIN images_namespace n ON n.id = r.namespace_id
               WHERE n.name = %s AND r.name = %s AND t.name = %s""",
            (namespace, name, tag),
        )
        return rows[0][0] if rows else None

    def wait_for(self, what: str, predicate: Callable[[], object], timeout: float = 300, every: float = 0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            if self.worker is not None and self.worker.poll() is not None:
                raise AssertionError(f"the worker exited ({self.worker.returncode}) while waiting for {what}")
            time.sleep(every)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; worker log:\n{self.worker_log()[-6000:]}")

    def wait_indexed(self, repository: str, tag: str, timeout: float = 300) -> str:
        def done():
            status = self.manifest_status(repository, tag)
            return status if status in ("indexed", "failed", "skipped") else None

        return self.wait_for(f"{repository}:{tag} to be indexed", done, timeout)

    # --- the worker --------------------------------------------------------------------------------
    def worker_start(self, concurrency: int = 2) -> None:
        assert self.worker is None or self.worker.poll() is not None, "a worker is running already"
        self.worker_starts += 1
        log = open(self.workdir / "worker.log", "a")
        log.write(f"\n===== worker start {self.worker_starts}\n")
        log.flush()
        command = [
            os.path.join(os.path.dirname(sys.executable), "celery"),
            "-A", "hub", "worker",
            "--queues", QUEUES,
            "--concurrency", str(concurrency),
            "--loglevel", "INFO",
            "--hostname", f"indexer-test-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        # Its own process group, so a kill takes the pool processes too (as a machine dying would).
        self.worker = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.wait_for(
            "the worker to be ready", lambda: "ready." in self.worker_log().rsplit("===== worker start", 1)[1]
        )

    def worker_kill(self) -> None:
        """SIGKILL the worker's whole process group: no shutdown, no acks, no cleanup."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=30)
        # Pool processes are reparented, not waited for by us: make sure they are gone.
        for _ in range(100):
            if not _group_alive(self.worker.pid):
                break
            time.sleep(0.1)

    def worker_stop(self) -> None:
        if self.worker is None or self.worker.poll() is not None:
            return
        os.killpg(self.worker.pid, signal.SIGTERM)
        try:
            self.worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=30)

    def worker_log(self) -> str:
        path = self.workdir / "worker.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@contextmanager
def hub_backend(workdir: Path, *, lease_seconds: int = 300, extra_env: dict | None = None, worker: bool = True):
    """A migrated Hub on a database of its own, with user `alice` and (unless `worker` is false) a running worker."""
    import psycopg

    require(port_open("127.0.0.1", 5432), "PostgreSQL is not listening on 127.0.0.1:5432")
    require(port_open("127.0.0.1", 6379), "Redis is not listening on 127.0.0.1:6379")
    name = f"hub_indexer_{uuid.uuid4().hex[:8]}"
    admin_url = _psycopg_url(POSTGRES_ADMIN_URL)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    _redis_flush(REDIS_URL)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "HUB_BLOB_DIR"}
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        HUB_DATA_DIR=str(workdir / "data"),
        HUB_DEMO="0",
        HUB_INDEX_LEASE_SECONDS=str(lease_seconds),
        HUB_LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="hub.settings",
        CELERY_TASK_ALWAYS_EAGER="0",
        PYTHONUNBUFFERED="1",
        **(extra_env or {}),
    )
    hub = Hub(workdir, env, database_url)
    try:
        hub.manage("migrate", "--noinput", "-v", "0")
        hub.shell_json(
            "from hub.accounts.services import user_create\n"
            "result = user_create(username='alice', password='pw-alice-123456').pk"
        )
        if worker:
            hub.worker_start()
        yield hub
    finally:
        hub.worker_stop()
        _redis_flush(REDIS_URL)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
