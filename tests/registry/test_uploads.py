"""Pushing blobs: monolithic, chunked, streamed, resumable, cancelled, mounted (spec: "Pushing blobs")."""

import pytest

from images.models import Blob, Upload
from tests.registry.conftest import RegistryClient, sha256

DATA = b"0123456789abcdefghij" * 10


def start(registry, name="alice/app"):
    response = registry.call("POST", f"/v2/{name}/blobs/uploads/")
    assert response.status_code == 202
    assert response["Range"] == "0-0"
    assert response["Docker-Upload-UUID"]
    return response["Location"]


def test_monolithic_post_with_digest(registry):
    digest = sha256(DATA)
    response = registry.call("POST", f"/v2/alice/app/blobs/uploads/?digest={digest}", DATA)
    assert response.status_code == 201
    assert response["Location"] == f"/v2/alice/app/blobs/{digest}"
    assert response["Docker-Content-Digest"] == digest
    assert Blob.objects.get(digest=digest).size == len(DATA)
    assert not Upload.objects.exists()


def test_monolithic_post_then_put(registry):
    location = start(registry)
    digest = sha256(DATA)
    response = registry.call("PUT", f"{location}?digest={digest}", DATA)
    assert response.status_code == 201
    assert response["Location"] == f"/v2/alice/app/blobs/{digest}"


def test_chunked_upload_with_content_range(registry):
    location = start(registry)
    first = registry.call("PATCH", location, DATA[:50], headers={"Content-Range": "0-49"})
    assert first.status_code == 202
    assert first["Range"] == "0-49"
    second = registry.call("PATCH", first["Location"], DATA[50:120], headers={"Content-Range": "50-119"})
    assert second["Range"] == "0-119"
    # The last chunk rides on the closing PUT.
    response = registry.call(
        "PUT", f"{second['Location']}?digest={sha256(DATA)}", DATA[120:], headers={"Content-Range": "120-199"}
    )
    assert response.status_code == 201
    assert registry.call("GET", f"/v2/alice/app/blobs/{sha256(DATA)}").getvalue() == DATA


def test_out_of_order_chunk_is_416_with_current_range(registry):
    location = start(registry)
    registry.call("PATCH", location, DATA[:50], headers={"Content-Range": "0-49"})
    response = registry.call("PATCH", location, DATA[60:70], headers={"Content-Range": "60-69"})
    assert response.status_code == 416
    assert response["Range"] == "0-49"
    assert response["Location"] == location
    assert response.json()["errors"][0]["code"] == "RANGE_INVALID"


def test_content_range_not_matching_length_is_400(registry):
    location = start(registry)
    response = registry.call("PATCH", location, DATA[:10], headers={"Content-Range": "0-49"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "SIZE_INVALID"


def test_streamed_patch_without_content_range(registry):
    location = start(registry)
    response = registry.call("PATCH", location, DATA[:77])
    assert response.status_code == 202
    response = registry.call("PATCH", response["Location"], DATA[77:])
    assert response["Range"] == f"0-{len(DATA) - 1}"
    assert registry.call("PUT", f"{location}?digest={sha256(DATA)}").status_code == 201


def test_upload_status_to_resume(registry, client):
    location = start(registry)
    registry.call("PATCH", location, DATA[:30])
    # Another process (here: another client) sees the same state: it lives in the database.
    other = RegistryClient(client, "alice", "alice-password")
    response = other.call("GET", location)
    assert response.status_code == 204
    assert response["Range"] == "0-29"
    assert response["Location"] == location


def test_digest_mismatch_is_400_and_nothing_is_visible(registry):
    location = start(registry)
    registry.call("PATCH", location, DATA)
    wrong = sha256(b"something else")
    response = registry.call("PUT", f"{location}?digest={wrong}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "DIGEST_INVALID"
    assert not Blob.objects.exists()
    assert registry.call("GET", location).status_code == 404


@pytest.mark.parametrize("query", ["", "?digest=", "?digest=md5:abc"])
def test_put_without_valid_digest_is_400(registry, query):
    location = start(registry)
    response = registry.call("PUT", f"{location}{query}", DATA)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "DIGEST_INVALID"


def test_multi_chunk_upload_verifies_sha512(registry):
    import hashlib

    location = start(registry)
    registry.call("PATCH", location, DATA[:100])
    registry.call("PATCH", location, DATA[100:])
    digest = "sha512:" + hashlib.sha512(DATA).hexdigest()
    assert registry.call("PUT", f"{location}?digest={digest}").status_code == 201


def test_cancel_upload(registry):
    location = start(registry)
    assert registry.call("DELETE", location).status_code == 204
    response = registry.call("GET", location)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "BLOB_UPLOAD_UNKNOWN"
    assert registry.call("DELETE", location).status_code == 404


@pytest.mark.parametrize("upload_id", ["not-a-uuid", "1f0e7e8c-0d2b-4a44-9a59-6b1f5e0e1c5a"])
def test_unknown_upload_is_404(registry, upload_id):
    registry.push_blob("alice/app", b"x")
    response = registry.call("PATCH", f"/v2/alice/app/blobs/uploads/{upload_id}", b"data")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "BLOB_UPLOAD_UNKNOWN"


def test_upload_of_one_repository_is_unknown_in_another(registry):
    location = start(registry, "alice/one")
    start(registry, "alice/two")
    other = location.replace("alice/one", "alice/two")
    assert registry.call("GET", other).status_code == 404


def test_empty_blob(registry):
    location = start(registry)
    digest = sha256(b"")
    assert registry.call("PUT", f"{location}?digest={digest}").status_code == 201
    assert registry.call("HEAD", f"/v2/alice/app/blobs/{digest}")["Content-Length"] == "0"


def test_mount_from_readable_repository(registry):
    digest = registry.push_blob("alice/source", DATA)
    response = registry.call(
        "POST",
        f"/v2/alice/target/blobs/uploads/?mount={digest}&from=alice/source",
        scopes=("repository:alice/target:pull,push", "repository:alice/source:pull"),
    )
    assert response.status_code == 201
    assert response["Location"] == f"/v2/alice/target/blobs/{digest}"
    assert registry.call("HEAD", f"/v2/alice/target/blobs/{digest}").status_code == 200


def test_mount_from_unreadable_repository_falls_back_to_upload(registry, client, bob):
    digest = registry.push_blob("alice/source", DATA)
    from images.models import Repository

    Repository.objects.filter(name="source").update(is_private=True)
    bobs = RegistryClient(client, "bob", "bob-password")
    response = bobs.call(
        "POST",
        f"/v2/bob/target/blobs/uploads/?mount={digest}&from=alice/source",
        scopes=("repository:bob/target:pull,push", "repository:alice/source:pull"),
    )
    assert response.status_code == 202
    assert "/blobs/uploads/" in response["Location"]
    assert bobs.call("HEAD", f"/v2/bob/target/blobs/{digest}").status_code == 404


def test_mount_of_missing_blob_falls_back_to_upload(registry):
    registry.push_blob("alice/source", b"x")
    missing = sha256(b"missing")
    response = registry.call(
        "POST",
        f"/v2/alice/target/blobs/uploads/?mount={missing}&from=alice/source",
        scopes=("repository:alice/target:pull,push", "repository:alice/source:pull"),
    )
    assert response.status_code == 202


def test_upload_into_missing_namespace_is_refused(registry):
    response = registry.call("POST", "/v2/nobody/app/blobs/uploads/")
    assert response.status_code == 403


def test_monolithic_with_wrong_length(registry):
    digest = sha256(DATA)
    response = registry.call("POST", f"/v2/alice/app/blobs/uploads/?digest={digest}", DATA[:-1])
    assert response.status_code == 400
    assert not Upload.objects.exists()


# --- closing: one PUT wins (tests/registry/test_upload_close_race.py does it concurrently) ---------------


def test_a_closed_upload_is_unknown_to_every_later_request(registry, tmp_path):
    location = start(registry)
    registry.call("PATCH", location, DATA[:50], headers={"Content-Range": "0-49"})
    registry.call("PATCH", location, DATA[50:], headers={"Content-Range": f"50-{len(DATA) - 1}"})
    assert registry.call("PUT", f"{location}?digest={sha256(DATA)}").status_code == 201
    for method, body, headers in [
        ("PUT", b"", {}),
        ("PUT", b"more", {"Content-Range": f"{len(DATA)}-{len(DATA) + 3}"}),
        ("PATCH", b"more", {}),
        ("DELETE", b"", {}),
        ("GET", b"", {}),
    ]:
        response = registry.call(method, f"{location}?digest={sha256(DATA)}", body, headers=headers)
        assert response.status_code == 404, method
        assert response.json()["errors"][0]["code"] == "BLOB_UPLOAD_UNKNOWN"
    assert registry.call("GET", f"/v2/alice/app/blobs/{sha256(DATA)}").getvalue() == DATA
    uploads = tmp_path / "blobs" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # no chunk left behind


def test_a_closing_chunk_out_of_order_leaves_the_upload_open(registry):
    location = start(registry)
    registry.call("PATCH", location, DATA[:50], headers={"Content-Range": "0-49"})
    response = registry.call("PUT", f"{location}?digest={sha256(DATA)}", DATA[60:], headers={"Content-Range": "60-199"})
    assert response.status_code == 416
    response = registry.call("PUT", f"{location}?digest={sha256(DATA)}", DATA[50:], headers={"Content-Range": "50-199"})
    assert response.status_code == 201
