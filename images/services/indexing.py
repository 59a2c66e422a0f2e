"""Indexing: how a committed manifest becomes catalogue data (layers, packages, findings)."""

from django.db import transaction

from images.models import Manifest
from images.models.content import IndexStatus


def manifest_index_enqueue(*, manifest: Manifest) -> None:
    """Mark a manifest queued and send it to the indexer once the surrounding transaction commits.

    Every path that stores a manifest (push, mirror, demo seeding) calls this.
    """
    from images.tasks import manifest_index as manifest_index_task

    Manifest.objects.filter(pk=manifest.pk).update(index_status=IndexStatus.QUEUED, index_error="", index_progress=0)
    manifest.index_status = IndexStatus.QUEUED
    manifest_id = manifest.pk
    transaction.on_commit(lambda: manifest_index_task.delay(manifest_id))


def manifest_index(*, manifest_id: int) -> None:
    """Index one manifest. Until the indexer lands, an index records its children's platforms only."""
    manifest = Manifest.objects.filter(pk=manifest_id).first()
    if manifest is None:  # deleted since it was queued: nothing to do
        return
