import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from hub.celery import HEARTBEAT_KEY, worker_heartbeat_write
from hub.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture(autouse=True)
def _no_heartbeat():
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


def test_healthy_when_every_dependency_answers(client):
    worker_heartbeat_write("worker@test")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: body[k]["ok"] for k in ("database", "broker", "storage", "worker")} == dict.fromkeys(
        ("database", "broker", "storage", "worker"), True
    )
    assert body["worker"]["hostname"] == "worker@test"


def test_no_worker_yet_is_503(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"ok": False, "error": "no worker has reported yet"}


def test_stale_heartbeat_is_503(client, settings):
    cache.set(HEARTBEAT_KEY, {"hostname": "worker@old", "at": time.time() - settings.HUB_WORKER_STALE_SECONDS - 5})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["ok"] is False


def test_unusable_blob_storage_is_503(client, settings, tmp_path):
    from images.storage import blob_storage

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the storage directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "blobs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    blob_storage.cache_clear()
    worker_heartbeat_write("worker@test")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_unreachable_broker_is_503(client):
    worker_heartbeat_write("worker@test")
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_unreachable_database_is_503(tmp_path):
    """A fresh process whose DATABASE_URL points nowhere answers 503 naming the database."""
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    env = {
        **os.environ,
        "HUB_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "HUB_LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["database"]["ok"] is False
    assert result["body"]["storage"]["ok"] is True
