"""Garbage collection: unreferenced blobs past the grace period go, everything else stays."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from images.models import Blob, Upload
from images.services.gc import gc_run
from images.storage import blob_storage


def age(digest, hours):
    Blob.objects.filter(digest=digest).update(touched_at=timezone.now() - timedelta(hours=hours))


def test_gc_keeps_referenced_and_recent_blobs(registry, django_capture_on_commit_callbacks):
    manifest_digest, _ = registry.push_image("alice/app", "v1", layers=[b"kept layer"])
    orphan = registry.push_blob("alice/app", b"orphan")
    recent = registry.push_blob("alice/app", b"recent, its manifest is still coming")
    for blob in Blob.objects.all():
        age(blob.digest, 48)
    age(recent, 0)

    with django_capture_on_commit_callbacks(execute=True):
        report = gc_run(grace=timedelta(hours=6))
    assert report.blobs_deleted == 1
    assert report.bytes_freed == len(b"orphan")
    assert not Blob.objects.filter(digest=orphan).exists()
    assert not blob_storage().exists(orphan)
    assert blob_storage().exists(recent)
    assert Blob.objects.count() == 3  # config + layer + recent
    assert registry.call("GET", f"/v2/alice/app/manifests/{manifest_digest}").status_code == 200


def test_deleting_a_manifest_frees_its_blobs(registry, django_capture_on_commit_callbacks):
    digest, _ = registry.push_image("alice/app", "v1", layers=[b"layer"])
    registry.call("DELETE", f"/v2/alice/app/manifests/{digest}")
    Blob.objects.update(touched_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert gc_run().blobs_deleted == 2
    assert not Blob.objects.exists()


def test_stale_uploads_expire(registry):
    fresh = registry.call("POST", "/v2/alice/app/blobs/uploads/")["Location"]
    stale = registry.call("POST", "/v2/alice/app/blobs/uploads/")["Location"]
    registry.call("PATCH", stale, b"abandoned")
    Upload.objects.filter(pk=stale.rsplit("/", 1)[1]).update(updated_at=timezone.now() - timedelta(days=2))
    report = gc_run()
    assert report.uploads_expired == 1
    assert registry.call("GET", stale).status_code == 404
    assert registry.call("GET", fresh).status_code == 204


def test_dry_run_and_command(registry, capsys):
    digest = registry.push_blob("alice/app", b"orphan")
    age(digest, 48)
    call_command("registry_gc", "--dry-run")
    assert "would delete 1 blobs" in capsys.readouterr().out
    assert Blob.objects.filter(digest=digest).exists()
    call_command("registry_gc", "--grace-hours", "1")
    assert not Blob.objects.filter(digest=digest).exists()
