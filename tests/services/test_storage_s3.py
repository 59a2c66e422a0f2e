"""Blob storage on a real S3 API (moto's standalone server): uploads in chunks, downloads by
presigned redirect or streamed, garbage collection."""

import subprocess
import time
from datetime import timedelta

import pytest
import requests
from django.test import override_settings

from images.models import Blob
from images.services.gc import gc_run
from images.storage import blob_path, blob_storage
from tests.helpers.integration import free_port, port_open, require_binary
from tests.registry.conftest import RegistryClient, sha256

pytestmark = pytest.mark.integration
BUCKET = "hub-blobs"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    binary = _moto_binary()
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "w")
    proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if port_open("127.0.0.1", port):
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _moto_binary() -> str:
    import os
    import sys

    candidate = os.path.join(os.path.dirname(sys.executable), "moto_server")
    if os.path.exists(candidate):
        return candidate
    return require_binary("moto_server")


@pytest.fixture
def s3(settings, s3_endpoint):
    import boto3

    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    try:
        client.create_bucket(Bucket=BUCKET)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    settings.STORAGES = {
        **settings.STORAGES,
        "blobs": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "file_overwrite": True,
                "default_acl": None,
            },
        },
    }
    settings.HUB_BLOB_DOWNLOAD = "redirect"
    blob_storage.cache_clear()
    yield client
    blob_storage.cache_clear()


def test_probe(s3):
    assert blob_storage().is_s3
    blob_storage().probe()


def test_chunked_upload_and_presigned_download(s3, registry):
    data = bytes(range(256)) * 4096  # 1 MiB, in three chunks of different sizes
    response = registry.call("POST", "/v2/alice/app/blobs/uploads/")
    location = response["Location"]
    for start, end in ((0, 99_999), (100_000, 700_000)):
        response = registry.call("PATCH", location, data[start : end + 1], headers={"Content-Range": f"{start}-{end}"})
        assert response.status_code == 202, response.content
    digest = sha256(data)
    response = registry.call("PUT", f"{location}?digest={digest}", data[700_001:])
    assert response.status_code == 201, response.content

    stored = s3.get_object(Bucket=BUCKET, Key=blob_path(digest))["Body"].read()
    assert stored == data
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/").get("KeyCount", 0) == 0

    response = registry.call("GET", f"/v2/alice/app/blobs/{digest}")
    assert response.status_code == 307
    assert response["Docker-Content-Digest"] == digest
    assert requests.get(response["Location"], timeout=10).content == data
    ranged = requests.get(response["Location"], headers={"Range": "bytes=10-19"}, timeout=10)
    assert ranged.content == data[10:20]


def test_single_chunk_upload_and_streamed_download(s3, registry):
    data = b"streamed through the web process" * 1000
    response = registry.call("POST", "/v2/alice/app/blobs/uploads/")
    registry.call("PATCH", response["Location"], data)
    digest = sha256(data)
    assert registry.call("PUT", f"{response['Location']}?digest={digest}").status_code == 201
    with override_settings(HUB_BLOB_DOWNLOAD="sendfile"):
        response = registry.call("GET", f"/v2/alice/app/blobs/{digest}", headers={"Range": "bytes=5-"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == data[5:]


def test_digest_mismatch_leaves_nothing(s3, registry):
    response = registry.call("POST", "/v2/alice/app/blobs/uploads/")
    registry.call("PATCH", response["Location"], b"abc", headers={"Content-Range": "0-2"})
    registry.call("PATCH", response["Location"], b"def", headers={"Content-Range": "3-5"})
    wrong = sha256(b"other")
    assert registry.call("PUT", f"{response['Location']}?digest={wrong}").status_code == 400
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/").get("KeyCount", 0) == 0
    assert not Blob.objects.exists()


def test_gc_deletes_unreferenced_blobs_from_s3(s3, registry, django_capture_on_commit_callbacks):
    digest = registry.push_blob("alice/app", b"orphan")
    with django_capture_on_commit_callbacks(execute=True):
        report = gc_run(grace=timedelta(0))
    assert report.blobs_deleted == 1
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=blob_path(digest)).get("KeyCount", 0) == 0


@pytest.fixture
def registry(client, alice):
    return RegistryClient(client, "alice", "alice-password")
