"""Telling a user of alerts: one message per batch of notices, mailed (plain text) and/or sent to a webhook
(images.services.webhooks.webhook_post, with its retries), and the signed unsubscribe links every mail
carries (valid without signing in). Written only through images/services/alerts.py and cve_alerts.py."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection

from images.models import AlertMessage, CveAlertSubscription, Repository
from images.services.jobs import ALERT_WEBHOOK_ATTEMPT, job_enqueue
from images.services.webhooks import delivery_status, webhook_post

OFFICIAL_NAMESPACE = "library"
UNSUBSCRIBE_SALT = "hub.alerts.unsubscribe"


# --- telling: mail and webhook ---------------------------------------------------------------------------


@dataclass
class Outgoing:
    """One message to record and send (messages_send)."""

    user: object
    kind: str
    saved: object
    subject: str
    text: str
    email: bool
    webhook_url: str
    webhook_secret: str
    payload: dict


def message_send(
    *, user, kind: str, saved, subject: str, text: str, email: bool, webhook_url: str, webhook_secret: str, payload
) -> AlertMessage:
    """Record one message and send it (messages_send)."""
    outgoing = Outgoing(user, kind, saved, subject, text, email, webhook_url, webhook_secret, payload)
    return messages_send([outgoing])[0]


def messages_send(outgoing: list[Outgoing]) -> list[AlertMessage]:
    """Record the messages (one insert), mail them now through one connection (in the caller's transaction: a mail
    that fails rolls the batch back, its notices untold, to be told at the next computation) and send their
    webhooks once the transaction commits. The messages, in the order of `outgoing`."""
    messages = [
        AlertMessage(
            user=o.user,
            kind=o.kind,
            saved_search=o.saved,
            subject=o.subject[:255],
            emailed=bool(o.email and o.user.email),
            webhook_url=o.webhook_url,
            webhook_body=json.dumps(o.payload, separators=(",", ":")).encode() if o.webhook_url else b"",
            webhook_status=AlertMessage.WebhookStatus.PENDING if o.webhook_url else "",
        )
        for o in outgoing
    ]
    AlertMessage.objects.bulk_create(messages, batch_size=1_000)
    mails = [
        EmailMessage(o.subject, o.text, settings.DEFAULT_FROM_EMAIL, [o.user.email])
        for o, message in zip(outgoing, messages, strict=True)
        if message.emailed
    ]
    if mails:
        get_connection().send_messages(mails)
    for message in messages:
        if message.webhook_url:
            job_enqueue(ALERT_WEBHOOK_ATTEMPT, message.pk)
    return messages


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
