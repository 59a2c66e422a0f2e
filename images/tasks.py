"""Hub's Celery tasks. Thin: ids in, one service call, safe to run twice; each is `<service>_task`.

Services send the ones that follow a write by name (images/services/jobs.py, after commit); the
beat sends the periodic ones (CELERY_BEAT_SCHEDULE in the settings). CELERY_TASK_ROUTES there puts
each on its queue (index, mirror, vulns, maintenance, default), so deployments can give each kind
its own workers.
"""

from dataclasses import asdict

from celery import shared_task

from images import alerts as alert_runs
from images.indexing.fetch import UpstreamError, UpstreamUnavailable
from images.services import alert_messages, curation, gc, indexing, jobs, mirrors, pulls, trust, vulns, webhooks


@shared_task(name=jobs.MANIFEST_INDEX, acks_late=True)
def manifest_index_task(manifest_id: int, force: bool = False) -> str:
    return indexing.manifest_index(manifest_id=manifest_id, force=force)


@shared_task(name="images.manifest_index_recover_task")
def manifest_index_recover_task() -> int:
    return indexing.manifest_index_recover()


@shared_task(
    name=jobs.MIRROR_SYNC,
    acks_late=True,
    autoretry_for=(UpstreamUnavailable,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def mirror_sync_task(mirror_id: int) -> str:
    try:
        return mirrors.mirror_sync(mirror_id=mirror_id).status
    except UpstreamUnavailable:
        raise
    except UpstreamError as exc:  # permanent: recorded on the mirror, not retried
        return f"failed: {exc}"


@shared_task(name="images.mirrors_sync_due_task")
def mirrors_sync_due_task() -> int:
    return mirrors.mirrors_sync_due()


@shared_task(name="images.vulnerabilities_refresh_task", acks_late=True)
def vulnerabilities_refresh_task() -> list[str]:
    """Re-import every configured advisory source (HUB_VULN_SOURCES); findings follow."""
    return vulns.vulnerabilities_refresh()


@shared_task(name=jobs.WEBHOOK_DELIVERY_ATTEMPT, bind=True, acks_late=True, max_retries=None)
def webhook_delivery_attempt_task(self, delivery_id: int) -> str:
    """One attempt; on failure, retried with exponential backoff until the service gives up."""
    outcome = webhooks.webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome == "retry":
        raise self.retry(countdown=webhooks.retry_delay(self.request.retries + 1))
    return outcome


@shared_task(name=jobs.VERIFICATION_CHECK, acks_late=True)
def verification_check_task(request_id: int) -> bool:
    return curation.verification_check(request_id=request_id)


@shared_task(name="images.verification_reminders_send_task")
def verification_reminders_send_task() -> int:
    return curation.verification_reminders_send()


@shared_task(name="images.trusted_content_refresh_task")
def trusted_content_refresh_task() -> int:
    """Badges of grants that ended since the last run disappear (grants and revocations refresh at once)."""
    return trust.trusted_content_refresh()


@shared_task(name="images.pull_flush_task")
def pull_flush_task() -> int:
    """Pull counters (Redis or the log files) into the catalogue."""
    return pulls.pull_flush()


@shared_task(name="images.gc_run_task")
def gc_run_task() -> dict:
    return asdict(gc.gc_run())


@shared_task(name=jobs.ALERTS_COMPUTE, acks_late=True)
def alerts_compute_task() -> dict:
    """Saved-search and CVE alerts from stored data (the beat's, and after imports and indexing)."""
    return alert_runs.alerts_compute()


@shared_task(name="images.alerts_digest_task")
def alerts_digest_task() -> int:
    return alert_runs.alerts_digest()


@shared_task(name=jobs.ALERT_WEBHOOK_ATTEMPT, bind=True, acks_late=True, max_retries=None)
def alert_webhook_attempt_task(self, message_id: int) -> str:
    outcome = alert_messages.alert_webhook_attempt(message_id=message_id)
    if outcome == "retry":
        raise self.retry(countdown=webhooks.retry_delay(self.request.retries + 1))
    return outcome
