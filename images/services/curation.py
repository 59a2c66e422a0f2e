"""Curation of trusted content: Verified Publisher reviews, Official Images, Sponsored OSS.

Curators are the users with the permission images.curate_trusted_content (the `curators` group
carries it; superusers have every permission). Every grant and revocation updates the namespace or
repository, then trusted_content_refresh() so the badge changes everywhere at once, and writes the
audit log in the same transaction.

Verification: an organization's owner applies with a website, a contact address and one proof of
control of the website's domain, both holding a random token:
- DNS: a TXT record `_hub-verification.<domain>` with the value `hub-verification=<token>`, looked up
  by dnspython at HUB_VERIFICATION_DNS_RESOLVER (host[:port]; the system's resolvers when empty);
- HTTP: the file `<website>/.well-known/hub-verification.txt` holding the token.
A worker checks the proof (task images.verification_check_task) and records the result; a curator then
approves or rejects with a note. An approval lasts HUB_VERIFICATION_DAYS; the beat task
images.verification_reminders_send_task mails the owners HUB_VERIFICATION_REMINDER_DAYS before it ends.
"""

import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import dns.exception
import dns.resolver
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from images.models import Membership, Namespace, Repository, VerificationRequest
from images.services.audit import audit_record
from images.services.authorization import CURATE, ORGANIZATION_MANAGE, OWNER, authorize
from images.services.jobs import VERIFICATION_CHECK, job_enqueue
from images.services.trust import trusted_content_refresh

DNS_PREFIX = "_hub-verification"
TXT_PREFIX = "hub-verification="
WELL_KNOWN_PATH = "/.well-known/hub-verification.txt"
_http_url = URLValidator(schemes=["http", "https"])


def namespace_owners(namespace: Namespace) -> list:
    """The people who own a namespace: its user, or an organization's members with the owner role."""
    if namespace.kind == Namespace.Kind.USER:
        return [namespace.user] if namespace.user_id else []
    return [m.user for m in Membership.objects.filter(organization=namespace, role=OWNER).select_related("user")]


# --- verification: the publisher's side ------------------------------------------------------------


def verification_instructions(request: VerificationRequest) -> dict:
    domain = urlsplit(request.website).hostname or ""
    return {
        "domain": domain,
        "dns_name": f"{DNS_PREFIX}.{domain}",
        "dns_value": f"{TXT_PREFIX}{request.token}",
        "file_url": request.website.rstrip("/") + WELL_KNOWN_PATH,
        "file_content": request.token,
    }


@transaction.atomic
def verification_apply(*, user, namespace: Namespace, website: str, contact_email: str, method: str):
    """An organization's owner applies; the proof is checked by a worker once this commits."""
    authorize(
        user,
        ORGANIZATION_MANAGE,
        namespace=namespace,
        message="only an organization's owners may apply for verification",
    )
    website = website.strip()
    try:
        _http_url(website)
    except ValidationError:
        raise ValidationError({"website": "Enter an http:// or https:// URL."}) from None
    validate_email(contact_email)
    if method not in VerificationRequest.Method.values:
        raise ValidationError({"method": "unknown method"})
    # One open application per organization: a new one replaces the one waiting.
    VerificationRequest.objects.filter(namespace=namespace, status=VerificationRequest.Status.PENDING).update(
        status=VerificationRequest.Status.WITHDRAWN
    )
    request = VerificationRequest.objects.create(
        namespace=namespace,
        website=website,
        contact_email=contact_email,
        method=method,
        token=secrets.token_hex(16),
        requested_by=user,
    )
    audit_record(
        actor=user,
        action="verification.apply",
        target_type="namespace",
        target=namespace.name,
        namespace=namespace,
        after={"website": website, "method": method, "contact_email": contact_email},
    )
    verification_check_enqueue(request=request)
    return request


def verification_check_enqueue(*, request: VerificationRequest) -> None:
    job_enqueue(VERIFICATION_CHECK, request.pk)


# --- verification: the checks (a worker runs them) -------------------------------------------------


def _resolver() -> dns.resolver.Resolver:
    configured = settings.HUB_VERIFICATION_DNS_RESOLVER
    if not configured:
        return dns.resolver.Resolver()
    host, _, port = configured.rpartition(":") if configured.count(":") == 1 else (configured, "", "")
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host or configured]
    resolver.port = int(port) if port else 53
    return resolver


def dns_txt_check(*, domain: str, token: str) -> tuple[bool, str]:
    name = f"{DNS_PREFIX}.{domain}"
    try:
        answer = _resolver().resolve(name, "TXT", lifetime=settings.HUB_VERIFICATION_TIMEOUT)
    except dns.resolver.NXDOMAIN:
        return False, f"{name}: no such name"
    except dns.resolver.NoAnswer:
        return False, f"{name}: no TXT record"
    except dns.exception.DNSException as exc:
        return False, f"{name}: lookup failed ({type(exc).__name__})"
    values = [b"".join(record.strings).decode(errors="replace") for record in answer]
    if f"{TXT_PREFIX}{token}" in values:
        return True, f"{name}: TXT record found"
    return False, f"{name}: TXT records found, none holds the token"


def http_file_check(*, website: str, token: str) -> tuple[bool, str]:
    url = website.rstrip("/") + WELL_KNOWN_PATH
    try:
        response = requests.get(
            url,
            timeout=settings.HUB_VERIFICATION_TIMEOUT,
            allow_redirects=False,
            headers={"User-Agent": "Hub-Verification/1"},
            stream=True,
        )
        with response:
            content = response.raw.read(4096, decode_content=True)
    except requests.RequestException as exc:
        return False, f"{url}: {type(exc).__name__}"
    if response.status_code != 200:
        return False, f"{url}: HTTP {response.status_code}"
    if content.decode(errors="replace").strip() == token:
        return True, f"{url}: token found"
    return False, f"{url}: the file does not hold the token"


def verification_check(*, request_id: int) -> bool:
    """Check the proof of one application and record the result (any number of times)."""
    request = VerificationRequest.objects.get(pk=request_id)
    if request.method == VerificationRequest.Method.DNS:
        domain = urlsplit(request.website).hostname or ""
        passed, detail = dns_txt_check(domain=domain, token=request.token)
    else:
        passed, detail = http_file_check(website=request.website, token=request.token)
    VerificationRequest.objects.filter(pk=request.pk).update(
        check_passed=passed, check_detail=detail[:500], checked_at=timezone.now()
    )
    return passed


# --- verification: the curator's side ------------------------------------------------------------


@transaction.atomic
def verification_approve(*, curator, request: VerificationRequest, note: str = "", days: int | None = None):
    authorize(curator, CURATE, message="curators only")
    if request.status != VerificationRequest.Status.PENDING:
        raise ValidationError("only a pending application can be approved")
    now = timezone.now()
    expires = now + timedelta(days=days or settings.HUB_VERIFICATION_DAYS)
    request.status = VerificationRequest.Status.APPROVED
    request.reviewed_by, request.reviewed_at, request.review_note, request.expires_at = curator, now, note, expires
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "expires_at"])
    _grant_set(
        curator=curator,
        namespace=request.namespace,
        field="verified_until",
        until=expires,
        action="verification.approve",
        note=note,
        check_passed=request.check_passed,
    )
    return request


@transaction.atomic
def verification_reject(*, curator, request: VerificationRequest, note: str):
    authorize(curator, CURATE, message="curators only")
    if request.status != VerificationRequest.Status.PENDING:
        raise ValidationError("only a pending application can be rejected")
    if not note.strip():
        raise ValidationError({"note": "Say why, for the applicant."})
    request.status = VerificationRequest.Status.REJECTED
    request.reviewed_by, request.reviewed_at, request.review_note = curator, timezone.now(), note
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=curator,
        action="verification.reject",
        target_type="namespace",
        target=request.namespace.name,
        namespace=request.namespace,
        after={"website": request.website, "check_passed": request.check_passed},
        note=note,
    )
    return request


@transaction.atomic
def verification_revoke(*, curator, namespace: Namespace, note: str = "") -> None:
    """Remove the Verified Publisher badge from every repository of the namespace, now."""
    authorize(curator, CURATE, message="curators only")
    VerificationRequest.objects.filter(namespace=namespace, status=VerificationRequest.Status.APPROVED).update(
        status=VerificationRequest.Status.REVOKED
    )
    _grant_set(
        curator=curator,
        namespace=namespace,
        field="verified_until",
        until=None,
        action="verification.revoke",
        note=note,
    )


def verification_reminders_send() -> int:
    """Mail the owners (and the contact) of verifications ending within HUB_VERIFICATION_REMINDER_DAYS, once."""
    now = timezone.now()
    due = VerificationRequest.objects.filter(
        status=VerificationRequest.Status.APPROVED,
        reminder_sent_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=settings.HUB_VERIFICATION_REMINDER_DAYS),
        namespace__verified_until__isnull=False,
    ).select_related("namespace")
    sent = 0
    for request in due:
        # Claim it first, so two beats (or a retry) mail once.
        if not VerificationRequest.objects.filter(pk=request.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        ):
            continue
        recipients = sorted({u.email for u in namespace_owners(request.namespace) if u.email} | {request.contact_email})
        send_mail(
            subject=f"Hub: the Verified Publisher status of {request.namespace.name} ends soon",
            message=(
                f"The Verified Publisher status of {request.namespace.name} ends on {request.expires_at:%Y-%m-%d}.\n"
                f"Apply again to keep it: {settings.PUBLIC_URL}/console/verification/{request.namespace.name}\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
        sent += 1
    return sent


# --- Official Images and Sponsored OSS -------------------------------------------------------------


@transaction.atomic
def official_set(*, curator, repository: Repository, official: bool, note: str = "") -> Repository:
    authorize(curator, CURATE, message="curators only")
    if repository.is_official == official:
        return repository
    audit_record(
        actor=curator,
        action="official.grant" if official else "official.revoke",
        target_type="repository",
        target=repository.full_name,
        namespace=repository.namespace,
        before={"is_official": repository.is_official},
        after={"is_official": official},
        note=note,
    )
    Repository.objects.filter(pk=repository.pk).update(is_official=official)
    trusted_content_refresh(namespace_id=repository.namespace_id)
    repository.refresh_from_db()
    return repository


@transaction.atomic
def sponsored_grant(*, curator, namespace: Namespace, until: datetime, note: str = "") -> Namespace:
    authorize(curator, CURATE, message="curators only")
    if until <= timezone.now():
        raise ValidationError({"until": "The end of a grant must be in the future."})
    return _grant_set(
        curator=curator, namespace=namespace, field="sponsored_until", until=until, action="sponsored.grant", note=note
    )


@transaction.atomic
def sponsored_revoke(*, curator, namespace: Namespace, note: str = "") -> Namespace:
    authorize(curator, CURATE, message="curators only")
    return _grant_set(
        curator=curator, namespace=namespace, field="sponsored_until", until=None, action="sponsored.revoke", note=note
    )


def _grant_set(*, curator, namespace: Namespace, field: str, until, action: str, note: str, **after) -> Namespace:
    """Set (or clear, with None) a namespace's `verified_until` / `sponsored_until`, refresh every badge of
    the namespace at once, and audit it: the one way a namespace grant changes."""
    namespace = Namespace.objects.select_for_update().get(pk=namespace.pk)
    before = {field: _iso(getattr(namespace, field))}
    setattr(namespace, field, until)
    namespace.save(update_fields=[field])
    trusted_content_refresh(namespace_id=namespace.pk)
    audit_record(
        actor=curator,
        action=action,
        target_type="namespace",
        target=namespace.name,
        namespace=namespace,
        before=before,
        after={field: _iso(until), **after},
        note=note,
    )
    return namespace


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- reads for the curator console ---------------------------------------------------------------
