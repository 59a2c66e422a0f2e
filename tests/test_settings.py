"""Settings are read from the environment; each case runs a fresh interpreter with its own env."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hub.env import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "conn_max_age": db["CONN_MAX_AGE"], "conn_health_checks": db.get("CONN_HEALTH_CHECKS", False),
    "broker": s.CELERY_BROKER_URL, "result_backend": s.CELERY_RESULT_BACKEND,
    "cache": s.CACHES["default"]["BACKEND"], "blobs": s.STORAGES["blobs"],
    "public_url": s.PUBLIC_URL, "debug": s.DEBUG, "secret_key": s.SECRET_KEY,
    "blob_download": s.HUB_BLOB_DOWNLOAD,
}))
"""


def load_settings(tmp_path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"}}
    clean.update({"HUB_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "hub.settings", **env})
    out = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_embedded_default_keeps_everything_in_the_data_dir(tmp_path):
    s = load_settings(tmp_path)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "hub.sqlite3")
    assert "journal_mode=WAL" in s["options"]["init_command"]
    assert s["options"]["transaction_mode"] == "IMMEDIATE"
    assert s["broker"] == "filesystem://"
    assert s["result_backend"] == f"file://{tmp_path / 'broker' / 'results'}"
    assert s["cache"].endswith("FileBasedCache")
    assert s["blobs"]["OPTIONS"]["location"] == str(tmp_path / "blobs")
    assert s["blob_download"] == "sendfile"
    assert s["public_url"] == "http://127.0.0.1:8000"
    assert s["debug"] is False


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings(tmp_path)["secret_key"]
    assert len(first) >= 50
    assert load_settings(tmp_path)["secret_key"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_settings(tmp_path, SECRET_KEY="from-env")["secret_key"] == "from-env"


def test_postgres_redis_and_s3_from_the_environment(tmp_path):
    s = load_settings(
        tmp_path,
        DATABASE_URL="postgres://hub:pw@db.internal:5432/hub",
        REDIS_URL="redis://cache.internal:6379/0",
        HUB_S3_BUCKET="blobs",
        HUB_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        HUB_BIND="0.0.0.0:9000",
        HUB_PUBLIC_URL="https://hub.example.org/",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "hub"
    # Connections are kept between requests (a new one per request made every page 15-20 ms slower),
    # and checked before reuse.
    assert s["conn_max_age"] == 60
    assert s["conn_health_checks"] is True
    assert s["broker"] == s["result_backend"] == "redis://cache.internal:6379/0"
    assert s["cache"].endswith("RedisCache")
    assert s["blobs"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s["blobs"]["OPTIONS"]["bucket_name"] == "blobs"
    assert s["blob_download"] == "redirect"
    assert s["public_url"] == "https://hub.example.org"


def test_a_bad_boolean_stops_the_start_with_its_name(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as err:
        load_settings(tmp_path, DEBUG="maybe")
    assert "DEBUG='maybe' is not a boolean" in err.value.stderr


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("off", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("HUB_FLAG", raw)
    assert env_bool("HUB_FLAG", not expected) is expected


def test_env_bool_and_int_defaults_and_errors(monkeypatch):
    monkeypatch.delenv("HUB_FLAG", raising=False)
    assert env_bool("HUB_FLAG", True) is True
    assert env_int("HUB_FLAG", 7) == 7
    monkeypatch.setenv("HUB_FLAG", "seven")
    with pytest.raises(ImproperlyConfigured, match="HUB_FLAG='seven' is not an integer"):
        env_int("HUB_FLAG", 7)
