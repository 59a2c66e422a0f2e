"""Blobs: links between repositories and blobs, mounts, and unlinking."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from images.errors import BlobUnknown
from images.models import Blob, Repository, RepositoryBlob

# What a digest is lives in images/oci/digests.py; uploads and the registry's blob views take
# digest_validate from here, with the blob services they call.


def blob_get(*, repository: Repository, digest: str) -> Blob | None:
    """The blob if it is linked to the repository (readable through it)."""
    return Blob.objects.filter(digest=digest, repository_links__repository=repository).first()


def blob_register(*, digest: str, size: int) -> Blob:
    """Record verified bytes now in storage; an existing row is touched so GC spares it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            blob, created = Blob.objects.get_or_create(digest=digest, defaults={"size": size, "touched_at": now})
    except IntegrityError:
        blob, created = Blob.objects.get(digest=digest), False
    if not created:
        Blob.objects.filter(pk=blob.pk).update(touched_at=now)
    return blob


def blob_link(*, repository: Repository, blob: Blob) -> None:
    try:
        with transaction.atomic():
            RepositoryBlob.objects.get_or_create(repository=repository, blob=blob)
    except IntegrityError:
        pass  # linked by a concurrent push


def blob_mount(*, repository: Repository, digest: str, source: Repository | None) -> Blob | None:
    """Link a blob readable through `source` into `repository`; None when there is nothing to mount."""
    if source is None:
        blob = blob_get(repository=repository, digest=digest)
    else:
        blob = blob_get(repository=source, digest=digest)
    if blob is None:
        return None
    blob_link(repository=repository, blob=blob)
    Blob.objects.filter(pk=blob.pk).update(touched_at=timezone.now())
    return blob


def blob_unlink(*, repository: Repository, digest: str) -> None:
    """DELETE of a blob: it stops being readable through the repository; GC frees the bytes later."""
    deleted, _ = RepositoryBlob.objects.filter(repository=repository, blob__digest=digest).delete()
    if not deleted:
        raise BlobUnknown(digest=digest)
