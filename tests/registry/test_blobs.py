"""Pulling blobs: GET/HEAD, Range requests, DELETE (spec: "Pulling blobs", "Deleting blobs")."""

import hashlib

import pytest
from django.test import override_settings

from tests.registry.conftest import sha256

DATA = bytes(range(256)) * 40


@pytest.fixture
def digest(registry):
    return registry.push_blob("alice/app", DATA)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_get_blob(registry, digest):
    response = registry.call("GET", f"/v2/alice/app/blobs/{digest}")
    assert response.status_code == 200
    assert body(response) == DATA
    assert response["Docker-Content-Digest"] == digest
    assert response["Content-Length"] == str(len(DATA))


def test_head_blob(registry, digest):
    response = registry.call("HEAD", f"/v2/alice/app/blobs/{digest}")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(DATA))
    assert response["Docker-Content-Digest"] == digest
    assert body(response) == b""


@pytest.mark.parametrize(
    "header, start, end",
    [("bytes=0-9", 0, 9), ("bytes=100-", 100, len(DATA) - 1), ("bytes=-16", len(DATA) - 16, len(DATA) - 1)],
)
def test_range(registry, digest, header, start, end):
    response = registry.call("GET", f"/v2/alice/app/blobs/{digest}", headers={"Range": header})
    assert response.status_code == 206
    assert body(response) == DATA[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response["Content-Length"] == str(end - start + 1)


@pytest.mark.parametrize("header", ["bytes=99999-", "bytes=5-2", "pages=1-2"])
def test_unsatisfiable_range_is_416(registry, digest, header):
    response = registry.call("GET", f"/v2/alice/app/blobs/{digest}", headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


def test_unknown_blob_is_404(registry, digest):
    missing = sha256(b"missing")
    response = registry.call("GET", f"/v2/alice/app/blobs/{missing}")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "BLOB_UNKNOWN"
    assert registry.call("HEAD", f"/v2/alice/app/blobs/{missing}").status_code == 404


def test_invalid_digest_is_400(registry, digest):
    response = registry.call("GET", "/v2/alice/app/blobs/sha256:xyz")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "DIGEST_INVALID"


def test_blob_is_readable_only_through_repositories_it_is_linked_to(registry, digest):
    registry.push_blob("alice/other", b"x")
    assert registry.call("GET", f"/v2/alice/other/blobs/{digest}").status_code == 404


def test_delete_blob(registry, digest):
    response = registry.call("DELETE", f"/v2/alice/app/blobs/{digest}")
    assert response.status_code == 202
    assert registry.call("GET", f"/v2/alice/app/blobs/{digest}").status_code == 404
    response = registry.call("DELETE", f"/v2/alice/app/blobs/{digest}")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "BLOB_UNKNOWN"


def test_sha512_blob(registry):
    data = b"sha512 content"
    digest = "sha512:" + hashlib.sha512(data).hexdigest()
    response = registry.call("POST", f"/v2/alice/app/blobs/uploads/?digest={digest}", data)
    assert response.status_code == 201
    assert body(registry.call("GET", f"/v2/alice/app/blobs/{digest}")) == data


def test_x_accel_redirect(registry, digest):
    with override_settings(HUB_BLOB_DOWNLOAD="x-accel", HUB_X_ACCEL_PREFIX="/_blobs/"):
        response = registry.call("GET", f"/v2/alice/app/blobs/{digest}")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_blobs/blobs/sha256/{digest[7:9]}/{digest[7:]}"
    assert response["Docker-Content-Digest"] == digest
    assert body(response) == b""


def test_manifest_readable_through_blob_endpoint(registry):
    manifest_digest, manifest = registry.push_image("alice/app", "v1")
    assert body(registry.call("GET", f"/v2/alice/app/blobs/{manifest_digest}")) == manifest


def test_anonymous_pull_of_public_blob(registry, anonymous, digest):
    response = anonymous.call("GET", f"/v2/alice/app/blobs/{digest}", scopes=("repository:alice/app:pull",))
    assert response.status_code == 200
    assert anonymous.call("DELETE", f"/v2/alice/app/blobs/{digest}").status_code == 401
