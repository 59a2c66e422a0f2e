"""Webhooks: tell other services about every tag pushed, in Docker Hub's payload shape, signed.

A push commits, then (transaction.on_commit) one WebhookDelivery per active webhook of the
repository is stored with the exact body to send, and the Celery task `images.webhook_delivery_attempt_task`
sends it. Each attempt is recorded; failures (no answer, or a status other than 2xx) are retried
with exponential backoff up to HUB_WEBHOOK_MAX_ATTEMPTS.

Every body is signed with the webhook's secret, as GitHub does:
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. The secret is shown once, when it is
set, and never again; it is never logged.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from images.models import Manifest, Repository, Tag, Webhook, WebhookDelivery
from images.services.audit import repository_audit
from images.services.authorization import ADMINISTER, authorize
from images.services.jobs import WEBHOOK_DELIVERY_ATTEMPT, job_enqueue

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
USER_AGENT = "Hub-Webhooks/1"
_http_url = URLValidator(schemes=["http", "https"])


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _denied_address(url: str) -> str:
    """The first address the URL's host resolves to inside HUB_WEBHOOK_DENY_NETWORKS, or "".

    Hub's workers make these requests from inside the deployment; by default they never reach the
    link-local networks where cloud metadata services answer. Receivers never see a response body
    shown back, only its status, which limits what a hostile URL can learn.
    """
    networks = [ipaddress.ip_network(n.strip()) for n in settings.HUB_WEBHOOK_DENY_NETWORKS if n.strip()]
    if not networks:
        return ""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError):
        return ""  # the request itself will fail and say why
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if any(address in network for network in networks):
            return str(address)
    return ""


def webhook_url_check(url: str) -> str:
    """Only http(s): a webhook URL is fetched by the workers, so file:, gopher: and the like are refused."""
    url = (url or "").strip()
    try:
        _http_url(url)
    except ValidationError:
        raise ValidationError({"url": "Enter an http:// or https:// URL."}) from None
    return url


@transaction.atomic
def webhook_create(*, user, repository: Repository, name: str, url: str, secret: str = "") -> tuple[Webhook, str]:
    """Add a webhook; returns it and its secret (generated when none is given), to be shown once."""
    authorize(user, ADMINISTER, repository=repository, message=f"you may not manage webhooks of {repository.full_name}")
    url = webhook_url_check(url)
    secret = secret or secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        repository=repository, name=(name or "webhook")[:100], url=url, secret=secret, created_by=user
    )
    repository_audit(
        actor=user, action="webhook.create", repository=repository, detail=f" {webhook.name}", after={"url": url}
    )
    return webhook, secret


@transaction.atomic
def webhook_delete(*, user, webhook: Webhook) -> None:
    repository = webhook.repository
    authorize(user, ADMINISTER, repository=repository, message=f"you may not manage webhooks of {repository.full_name}")
    repository_audit(
        actor=user,
        action="webhook.delete",
        repository=repository,
        detail=f" {webhook.name}",
        before={"url": webhook.url},
    )
    webhook.delete()


def _epoch(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def webhook_payload(
    *, repository: Repository, tag: str, digests: list[str], pusher: str, pushed_at: datetime, callback_url: str
) -> dict:
    """Docker Hub's webhook payload (docs.docker.com/docker-hub/repos/manage/webhooks/)."""
    namespace = repository.namespace.name
    return {
        "callback_url": callback_url,
        "push_data": {"pushed_at": _epoch(pushed_at), "pusher": pusher, "tag": tag, "images": digests},
        "repository": {
            "comment_count": 0,
            "date_created": _epoch(repository.created_at),
            "description": repository.short_description,
            "dockerfile": "",
            "full_description": repository.full_description,
            "is_official": repository.is_official,
            "is_private": repository.is_private,
            "is_trusted": bool(repository.trusted_content),
            "name": repository.name,
            "namespace": namespace,
            "owner": namespace,
            "repo_name": f"{namespace}/{repository.name}",
            "repo_url": f"{settings.PUBLIC_URL}/r/{namespace}/{repository.name}",
            "star_count": repository.star_count,
            "status": "Archived" if repository.archived else "Active",
        },
    }


def _image_digests(manifest: Manifest) -> list[str]:
    """The pushed manifest's digest, then (for an index) those of its platform manifests."""
    children = list(manifest.child_links.order_by("position").values_list("child__digest", flat=True))
    return [manifest.digest, *children]


def _deliveries_create(*, webhooks, event: str, repository: Repository, tag: str, digests, pusher: str, pushed_at):
    created = []
    for webhook in webhooks:
        delivery = WebhookDelivery(webhook=webhook, event=event, body=b"")
        callback = f"{settings.PUBLIC_URL}/console/webhooks/callback/{delivery.uuid}"
        payload = webhook_payload(
            repository=repository, tag=tag, digests=digests, pusher=pusher, pushed_at=pushed_at, callback_url=callback
        )
        delivery.body = json.dumps(payload, separators=(",", ":")).encode()
        delivery.save()
        created.append(delivery)
    for delivery in created:
        job_enqueue(WEBHOOK_DELIVERY_ATTEMPT, delivery.pk)
    return created


def webhooks_on_push(*, repository: Repository, tag: str, manifest: Manifest, pushed_by=None) -> None:
    """Called by manifest_put for a tag push: deliveries are made once the push has committed."""
    transaction.on_commit(
        partial(
            webhooks_push_deliver,
            repository_id=repository.pk,
            tag=tag,
            manifest_id=manifest.pk,
            pusher=getattr(pushed_by, "username", "") or "",
        )
    )


def webhooks_push_deliver(*, repository_id: int, tag: str, manifest_id: int, pusher: str) -> list[WebhookDelivery]:
    webhooks = list(Webhook.objects.filter(repository_id=repository_id, active=True))
    if not webhooks:
        return []  # the common case: one indexed query per push
    with transaction.atomic():
        repository = Repository.objects.select_related("namespace").get(pk=repository_id)
        manifest = Manifest.objects.get(pk=manifest_id)
        return _deliveries_create(
            webhooks=webhooks,
            event=WebhookDelivery.Event.PUSH,
            repository=repository,
            tag=tag,
            digests=_image_digests(manifest),
            pusher=pusher,
            pushed_at=timezone.now(),
        )


@transaction.atomic
def webhook_test(*, user, webhook: Webhook) -> WebhookDelivery:
    """Send a push payload for the most recently pushed tag (or `latest` when there is none)."""
    repository = webhook.repository
    authorize(user, ADMINISTER, repository=repository, message=f"you may not manage webhooks of {repository.full_name}")
    tag = Tag.objects.filter(repository=repository).select_related("manifest").order_by("-pushed_at").first()
    [delivery] = _deliveries_create(
        webhooks=[webhook],
        event=WebhookDelivery.Event.TEST,
        repository=repository,
        tag=tag.name if tag else "latest",
        digests=_image_digests(tag.manifest) if tag else [],
        pusher=user.username,
        pushed_at=timezone.now(),
    )
    return delivery


class _Refused(Exception):
    """A URL Hub will not send to; not retried."""


# Errors worth another attempt when no status came back (requests' exception names); the others
# (not an http(s) URL, a denied address) will not change by waiting.
_RETRYABLE = ("ConnectionError", "ConnectTimeout", "ReadTimeout", "Timeout", "ChunkedEncodingError", "SSLError")


def retry_delay(attempts: int) -> int:
    """Seconds before attempt number `attempts + 1`: base, 2×base, 4×base ... at most an hour."""
    return min(settings.HUB_WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 3600)


def webhook_post(*, url: str, secret: str, body: bytes, event: str, delivery_id: str) -> tuple[int | None, str]:
    """POST `body` to `url` once, signed with `secret`: (HTTP status or None, error text or "").

    The one sender of outbound webhooks: repository webhooks below, and saved-search and CVE alerts
    (images/services/alerts.py)."""
    status_code, error = None, ""
    try:
        webhook_url_check(url)  # checked when set; checked again, the row may have been edited
        denied = _denied_address(url)
        if denied:
            raise _Refused(f"address {denied} is not allowed")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Hub-Event": event,
            "X-Hub-Delivery": delivery_id,
        }
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        response = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=(settings.HUB_WEBHOOK_CONNECT_TIMEOUT, settings.HUB_WEBHOOK_READ_TIMEOUT),
            allow_redirects=False,
        )
        status_code = response.status_code
        response.close()
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except ValidationError:
        error = "not an http(s) URL"
    except _Refused as exc:
        error = str(exc)
    except requests.RequestException as exc:
        # The exception's text can hold the URL, never the secret (it is only in a header's HMAC).
        error = f"{type(exc).__name__}: {str(exc)[:300]}"
    return status_code, error


def delivery_status(*, attempts: int, status_code: int | None, error: str) -> str:
    """DELIVERED, RETRYING or FAILED after `attempts` attempts, the last of which answered as given."""
    if not error:
        return WebhookDelivery.Status.DELIVERED
    if attempts >= settings.HUB_WEBHOOK_MAX_ATTEMPTS or status_code is None and not error.startswith(_RETRYABLE):
        return WebhookDelivery.Status.FAILED
    return WebhookDelivery.Status.RETRYING


def webhook_delivery_attempt(*, delivery_id: int) -> str:
    """Send a delivery once; returns "delivered", "retry" (try again later) or "failed" (gave up).

    Safe to run twice: a delivered one is not sent again.
    """
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
        return delivery.status
    webhook = delivery.webhook
    status_code, error = webhook_post(
        url=webhook.url,
        secret=webhook.secret,
        body=bytes(delivery.body),
        event=delivery.event,
        delivery_id=str(delivery.uuid),
    )
    now = timezone.now()
    attempts = delivery.attempts + 1
    status = delivery_status(attempts=attempts, status_code=status_code, error=error)
    history = [*delivery.history, {"at": now.isoformat(), "status": status_code, "error": error}]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        response_status=status_code,
        error=error[:500],
        history=history,
        status=status,
        delivered_at=now if status == WebhookDelivery.Status.DELIVERED else None,
    )
    if error:
        log.info("webhook delivery %s to webhook %s: attempt %s failed (%s)", delivery.pk, webhook.pk, attempts, error)
    return OUTCOMES[status]


OUTCOMES = {"delivered": "delivered", "retrying": "retry", "failed": "failed"}


CALLBACK_STATES = {"success", "failure", "error"}


def webhook_callback(*, delivery_uuid, state: str, description: str = "") -> bool:
    """Docker Hub's callback_url: the receiver reports how it handled the delivery."""
    if state not in CALLBACK_STATES:
        raise ValidationError("state must be success, failure or error")
    return bool(
        WebhookDelivery.objects.filter(uuid=delivery_uuid).update(
            callback_state=state, callback_description=description[:255]
        )
    )
