"""Garbage collection: free blobs that no manifest references, and expire abandoned uploads.

Safe while pushes run: a blob is only a candidate once it has gone untouched (uploaded or
mounted) for the grace period, so layers of a push whose manifest has not arrived yet stay.
Each blob row is deleted in its own transaction that re-checks for references; its bytes are
removed only after that commit. A manifest PUT racing with the delete fails on the foreign key
and answers MANIFEST_BLOB_UNKNOWN, and the client uploads the blob again.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from images.models import Blob
from images.services.uploads import upload_expire
from images.storage import blob_storage

BLOB_GRACE = timedelta(hours=6)
UPLOAD_TTL = timedelta(hours=24)


@dataclass
class GcReport:
    blobs_deleted: int = 0
    bytes_freed: int = 0
    uploads_expired: int = 0


def gc_run(*, grace: timedelta = BLOB_GRACE, upload_ttl: timedelta = UPLOAD_TTL, dry_run: bool = False) -> GcReport:
    report = GcReport()
    if not dry_run:
        report.uploads_expired = upload_expire(older_than=upload_ttl)
    cutoff = timezone.now() - grace
    candidates = Blob.objects.filter(touched_at__lt=cutoff, manifest_refs__isnull=True).values_list(
        "pk", "digest", "size"
    )
    store = blob_storage()
    for pk, digest, size in candidates.iterator():
        if dry_run:
            report.blobs_deleted += 1
            report.bytes_freed += size
            continue
        with transaction.atomic():
            deleted, _ = Blob.objects.filter(pk=pk, touched_at__lt=cutoff, manifest_refs__isnull=True).delete()
            if deleted:
                transaction.on_commit(lambda digest=digest: store.delete(digest))
        if deleted:
            report.blobs_deleted += 1
            report.bytes_freed += size
    return report
