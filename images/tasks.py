"""Celery tasks of the content domain. Thin: ids in, one service call, idempotent."""

from celery import shared_task


@shared_task(name="images.manifest_index", acks_late=True, queue="index")
def manifest_index(manifest_id: int) -> None:
    from images.services.indexing import manifest_index

    manifest_index(manifest_id=manifest_id)
