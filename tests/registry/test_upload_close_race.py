"""Two PUTs closing one upload at once, against Hub under gunicorn (2 workers x 8 threads).

Issue #13 measured 14 of 60 such closes ending in a 500 (FileNotFoundError: both requests moved the same
chunk objects). Exactly one PUT must win (201) and the other get BLOB_UPLOAD_UNKNOWN (404), with the blob
whole afterwards (images/services/uploads.py, `_claim`). Runs on the database of the test run: a fresh
PostgreSQL database, or SQLite in the server's data directory.
"""

import base64
import hashlib
import http.client
import json
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests.helpers.hub_server import hub_server
from tests.helpers.integration import port_open, require

pytestmark = [pytest.mark.integration, pytest.mark.both_databases]
UPLOADS = 30


@pytest.fixture
def database_env(settings):
    """DATABASE_URL for the server: a database of its own on this run's PostgreSQL; none for SQLite."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield {}
        return
    import psycopg

    require(port_open("127.0.0.1", 5432), "PostgreSQL is not listening on 127.0.0.1:5432")
    admin_url = os.environ["DATABASE_URL"]
    name = f"hub_race_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield {"DATABASE_URL": f"{admin_url.rsplit('/', 1)[0]}/{name}"}
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Registry:
    def __init__(self, host: str, token: str):
        self.host, self.token = host, token

    def connection(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(self.host, timeout=60)
        connection.connect()
        return connection

    def call(self, method: str, path: str, body: bytes = b"", headers=None, connection=None):
        connection = connection or self.connection()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Length": str(len(body)), **(headers or {})}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), content


def token(host: str) -> str:
    connection = http.client.HTTPConnection(host, timeout=30)
    query = urlencode({"service": host, "scope": "repository:alice/race:pull,push"})
    basic = base64.b64encode(b"alice:alice-password").decode()
    connection.request("GET", f"/token?{query}", headers={"Authorization": f"Basic {basic}"})
    response = connection.getresponse()
    assert response.status == 200
    return json.loads(response.read())["token"]


def open_upload(registry: Registry, chunks: list[bytes]) -> str:
    status, headers, _ = registry.call("POST", "/v2/alice/race/blobs/uploads/")
    assert status == 202
    location, offset = headers["Location"], 0
    for chunk in chunks:
        content_range = f"{offset}-{offset + len(chunk) - 1}"
        status, headers, _ = registry.call("PATCH", location, chunk, {"Content-Range": content_range})
        assert status == 202
        location, offset = headers["Location"], offset + len(chunk)
    return location


def close_twice(registry: Registry, location: str, digest: str, final: bytes) -> list[tuple[int, bytes]]:
    """Both PUTs on open connections, released together."""
    barrier = threading.Barrier(2)

    def close():
        connection = registry.connection()
        barrier.wait()
        status, _, content = registry.call("PUT", f"{location}?digest={digest}", final, connection=connection)
        return status, content

    with ThreadPoolExecutor(2) as pool:
        return [future.result() for future in [pool.submit(close), pool.submit(close)]]


def test_two_puts_closing_one_upload(tmp_path, database_env):
    with hub_server(tmp_path, workers=2, extra_env=database_env) as server:
        server.user_create("alice", "alice-password")
        registry = Registry(server.host, token(server.host))
        outcomes = []
        for i in range(UPLOADS):
            data = hashlib.sha512(str(i).encode()).digest() * (50 + i)
            # One chunk, two chunks (assembled on close), or a last chunk in the closing PUTs themselves.
            shape = i % 3
            chunks = [data] if shape == 0 else [data[:100], data[100:]] if shape == 1 else [data[:100]]
            final = data[100:] if shape == 2 else b""
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            location = open_upload(registry, chunks)
            outcomes.append((data, digest, close_twice(registry, location, digest, final)))

        for data, digest, answers in outcomes:
            statuses = sorted(status for status, _ in answers)
            assert statuses == [201, 404], answers
            lost = next(content for status, content in answers if status == 404)
            assert json.loads(lost)["errors"][0]["code"] == "BLOB_UPLOAD_UNKNOWN"
            status, headers, content = registry.call("GET", f"/v2/alice/race/blobs/{digest}")
            assert (status, hashlib.sha256(content).hexdigest()) == (200, digest.split(":")[1])
            assert content == data
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]
