"""Celery tasks of the content domain. Thin: ids in, one service call, safe to run twice.

Tasks are routed to their queues (index, mirror, vulns, maintenance) by CELERY_TASK_ROUTES in the settings,
so deployments can give each kind its own workers.
"""

from celery import shared_task

from images.indexing.fetch import UpstreamUnavailable


@shared_task(name="images.manifest_index", acks_late=True)
def manifest_index(manifest_id: int, force: bool = False) -> str:
    from images.services.indexing import manifest_index

    return manifest_index(manifest_id=manifest_id, force=force)


@shared_task(name="images.manifest_index_recover")
def manifest_index_recover() -> int:
    from images.services.indexing import manifest_index_recover

    return manifest_index_recover()


@shared_task(
    name="images.mirror_sync",
    acks_late=True,
    autoretry_for=(UpstreamUnavailable,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def mirror_sync(mirror_id: int) -> str:
    from images.indexing.fetch import UpstreamError
    from images.services.mirrors import mirror_sync

    try:
        return mirror_sync(mirror_id=mirror_id).status
    except UpstreamUnavailable:
        raise
    except UpstreamError as exc:  # permanent: recorded on the mirror, not retried
        return f"failed: {exc}"


@shared_task(name="images.mirrors_sync_due")
def mirrors_sync_due() -> int:
    from images.models import Mirror
    from images.services.mirrors import mirror_enqueue, mirrors_due

    due = mirrors_due()
    for mirror in Mirror.objects.filter(pk__in=due):
        mirror_enqueue(mirror=mirror)
    return len(due)


@shared_task(name="images.vulnerabilities_refresh", acks_late=True)
def vulnerabilities_refresh() -> list[str]:
    """Re-import every configured advisory source (HUB_VULN_SOURCES); findings follow."""
    from django.conf import settings

    from images.services.vulns import vulnerability_import

    return [f"{source}: {vulnerability_import(source=source)}" for source in settings.HUB_VULN_SOURCES]
