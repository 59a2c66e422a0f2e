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


# --- webhooks, curation (images/services/webhooks.py, images/services/curation.py) ---------------


@shared_task(name="images.webhook_deliver", bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> str:
    """One attempt; on failure, retried with exponential backoff until the service gives up."""
    from images.services.webhooks import retry_delay, webhook_delivery_attempt

    outcome = webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome == "retry":
        raise self.retry(countdown=retry_delay(self.request.retries + 1))
    return outcome


@shared_task(name="images.verification_check", acks_late=True)
def verification_check(request_id: int) -> bool:
    from images.services.curation import verification_check

    return verification_check(request_id=request_id)


@shared_task(name="images.verification_reminders")
def verification_reminders() -> int:
    from images.services.curation import verification_reminders_send

    return verification_reminders_send()


@shared_task(name="images.trusted_content_refresh")
def trusted_content_refresh() -> int:
    """Badges of grants that ended since the last run disappear (grants and revocations refresh at once)."""
    from images.services.trust import trusted_content_refresh

    return trusted_content_refresh()
