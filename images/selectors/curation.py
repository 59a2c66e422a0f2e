"""Reads for curation: the curators' overview, verification applications and the audit log."""

from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from images.models import AuditLogEntry, Namespace, Repository, VerificationRequest


def curation_overview(*, expiring_days: int = 30) -> dict:
    now = timezone.now()
    soon = now + timedelta(days=expiring_days)
    return {
        "queue": list(
            VerificationRequest.objects.filter(status=VerificationRequest.Status.PENDING)
            .select_related("namespace", "requested_by")
            .order_by("created_at")
        ),
        # Each holder's `until` is the end of the status listed (one template lists both kinds).
        "verified": list(
            Namespace.objects.filter(verified_until__gt=now).annotate(until=F("verified_until")).order_by("until")
        ),
        "sponsored": list(
            Namespace.objects.filter(sponsored_until__gt=now).annotate(until=F("sponsored_until")).order_by("until")
        ),
        "official": list(Repository.objects.filter(is_official=True).select_related("namespace").order_by("name")),
        "expiring": list(
            Namespace.objects.filter(
                Q(verified_until__gt=now, verified_until__lte=soon)
                | Q(sponsored_until__gt=now, sponsored_until__lte=soon)
            ).order_by("name")
        ),
        "now": now,
        "soon": soon,
    }


def verification_request_get(*, request_id: int) -> VerificationRequest | None:
    return VerificationRequest.objects.select_related("namespace").filter(pk=request_id).first()


def verification_latest(*, namespace: Namespace) -> VerificationRequest | None:
    """The namespace's newest application, whatever became of it."""
    return namespace.verification_requests.order_by("-created_at", "-pk").first()


def verification_pending(*, namespace: Namespace) -> VerificationRequest | None:
    return namespace.verification_requests.filter(status=VerificationRequest.Status.PENDING).first()


def audit_list(*, namespace: Namespace | None = None, action_prefix: str = "") -> QuerySet[AuditLogEntry]:
    """Entries, newest first: all of them, or one namespace's."""
    entries = AuditLogEntry.objects.select_related("namespace")
    if namespace is not None:
        entries = entries.filter(namespace=namespace)
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries.order_by("-created_at", "-pk")
