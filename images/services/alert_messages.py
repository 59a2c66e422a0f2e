"""Telling a user of alerts: one message per batch of notices, mailed (plain text) and/or sent to a webhook
(images.services.webhooks.webhook_post, with its retries), and the signed unsubscribe links every mail
carries (valid without signing in). Written only through images/services/alerts.py and cve_alerts.py."""

import json

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail

from images.models import AlertMessage, CveAlertSubscription, Repository
from images.services.jobs import ALERT_WEBHOOK_ATTEMPT, job_enqueue
from images.services.webhooks import delivery_status, webhook_post

OFFICIAL_NAMESPACE = "library"
UNSUBSCRIBE_SALT = "hub.alerts.unsubscribe"


# --- telling: mail and webhook ---------------------------------------------------------------------------


def message_send(
    *, user, kind: str, saved, subject: str, text: str, email: bool, webhook_url: str, webhook_secret: str, payload
) -> AlertMessage:
    """Record one message, mail it now (in the caller's transaction: a mail that fails leaves the notices
    untold, to be told at the next computation) and send its webhook once the transaction commits."""
    emailed = bool(email and user.email)
    message = AlertMessage.objects.create(
        user=user,
        kind=kind,
        saved_search=saved,
        subject=subject[:255],
        emailed=emailed,
        webhook_url=webhook_url,
        webhook_body=json.dumps(payload, separators=(",", ":")).encode() if webhook_url else b"",
        webhook_status=AlertMessage.WebhookStatus.PENDING if webhook_url else "",
    )
    if emailed:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    if webhook_url:
        job_enqueue(ALERT_WEBHOOK_ATTEMPT, message.pk)
    return message


def alert_webhook_attempt(*, message_id: int) -> str:
    """One attempt at a message's webhook: "delivered", "retry" or "failed" (as repository webhooks)."""
    message = AlertMessage.objects.select_related("saved_search", "user").get(pk=message_id)
    if message.webhook_status not in (AlertMessage.WebhookStatus.PENDING, AlertMessage.WebhookStatus.RETRYING):
        return message.webhook_status or "failed"
    secret = _webhook_secret(message)
    status_code, error = webhook_post(
        url=message.webhook_url,
        secret=secret,
        body=bytes(message.webhook_body),
        event=f"alert.{message.kind}",
        delivery_id=f"alert-{message.pk}",
    )
    attempts = message.webhook_attempts + 1
    status = delivery_status(attempts=attempts, status_code=status_code, error=error)
    AlertMessage.objects.filter(pk=message.pk).update(
        webhook_status=status, webhook_attempts=attempts, webhook_error=error[:500]
    )
    return {"delivered": "delivered", "retrying": "retry", "failed": "failed"}[status]


def _webhook_secret(message: AlertMessage) -> str:
    if message.saved_search is not None:
        return message.saved_search.webhook_secret
    subscription = CveAlertSubscription.objects.filter(user=message.user).first()
    return subscription.webhook_secret if subscription else ""


# --- unsubscribe: a signed token in every mail, valid without signing in -------------------------------


def unsubscribe_token(kind: str, pk: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{kind}.{pk}")


def unsubscribe_url(kind: str, pk: int) -> str:
    return absolute_url(f"/alerts/unsubscribe/{unsubscribe_token(kind, pk)}")


# --- addresses -------------------------------------------------------------------------------------------


def repository_display(repository: Repository) -> str:
    namespace = repository.namespace.name
    return repository.name if namespace == OFFICIAL_NAMESPACE else f"{namespace}/{repository.name}"


def repository_path(repository: Repository, tag: str = "") -> str:
    """The repository's page (/_/<name> for official images), or its tag's."""
    namespace = repository.namespace.name
    base = f"/_/{repository.name}" if namespace == OFFICIAL_NAMESPACE else f"/r/{namespace}/{repository.name}"
    return f"{base}/tags/{tag}" if tag else base


def absolute_url(path: str) -> str:
    return f"{settings.PUBLIC_URL}{path}"
