"""CVE alerts: a critical or high Finding created on an image (a tagged manifest, or a platform manifest of a
tagged index) of a repository the user starred or that one of their organizations publishes, and that
they may read, is told once per (user, manifest, vulnerability). On by default: a user's subscription
is made (enabled) when first needed; it can be turned off on /settings/alerts, by the API or by the
unsubscribe link of any CVE mail.

Findings are recomputed (deleted and made again) when advisories change: their created_at is then new,
and the notices, not the dates, keep a finding already told from being told again.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from images.models import (
    AlertMessage,
    CveAlertSubscription,
    CveNotice,
    Finding,
    ManifestReference,
    Membership,
    Repository,
    Star,
    Tag,
)
from images.models.choices import Severity
from images.services.alert_messages import (
    Outgoing,
    absolute_url,
    messages_send,
    repository_display,
    repository_path,
    unsubscribe_url,
)
from images.services.authorization import may_save_searches, readable_filter
from images.services.webhooks import webhook_url_check

# See images/services/alerts.py: how far each computation looks back before its last run.
LOOKBACK = timedelta(hours=1)
# CVE alerts never look further back than this (a subscription turned on again starts afresh).
CVE_MAX_LOOKBACK = timedelta(days=2)
ALERT_SEVERITIES = (Severity.CRITICAL, Severity.HIGH)


def cve_subscription(*, user) -> CveAlertSubscription:
    """The user's CVE alert settings (on by default: made on first read)."""
    subscription, _ = CveAlertSubscription.objects.get_or_create(
        user=user, defaults={"webhook_secret": secrets.token_urlsafe(32)}
    )
    return subscription


@transaction.atomic
def cve_subscription_update(*, user, **changes) -> CveAlertSubscription:
    if not may_save_searches(user):
        raise PermissionDenied("sign in to manage alerts")
    subscription = cve_subscription(user=user)
    if "enabled" in changes:
        enabled = bool(changes["enabled"])
        if enabled and not subscription.enabled:
            subscription.last_checked_at = timezone.now()  # turned on again: from now on
        subscription.enabled = enabled
    if "email" in changes:
        subscription.email = bool(changes["email"])
    if "webhook_url" in changes:
        url = (changes["webhook_url"] or "").strip()
        try:
            subscription.webhook_url = webhook_url_check(url) if url else ""
        except ValidationError:
            raise ValidationError({"webhook_url": "Enter an http:// or https:// URL."}) from None
    subscription.save()
    return subscription


# What a notice and its message need of a finding (not the manifest's content nor the record's data).
_FINDING_FIELDS = (
    "manifest__digest",
    "manifest__repository__name",
    "manifest__repository__namespace__name",
    "manifest__repository__namespace__kind",
    "vulnerability__osv_id",
    "vulnerability__aliases",
    "package__name",
    "package__version",
    "severity",
    "created_at",
)


def cve_alerts_compute(*, now: datetime) -> int:
    """Tell each follower of a repository of the critical and high findings its images gained since their last
    check. Returns how many notices were recorded.

    A few queries in all, whatever the number of followers: the candidates (findings, their tags, who follows
    which repository) are read once; then, in one transaction, the subscriptions with news are locked (a
    computation running at the same time waits, then finds them told), what was told is read once, and the
    notices go in one insert, one message (and mail) per follower."""
    subscriptions = CveAlertSubscription.objects.filter(enabled=True)
    oldest = subscriptions.aggregate(oldest=Min(Coalesce("last_checked_at", "created_at")))["oldest"] or now
    start = max(min(oldest, now) - LOOKBACK, now - CVE_MAX_LOOKBACK)
    findings = list(
        Finding.objects.filter(created_at__gte=start, severity__in=ALERT_SEVERITIES)
        .select_related("manifest__repository__namespace", "vulnerability", "package")
        .only(*_FINDING_FIELDS)
        .order_by("manifest__repository_id", "vulnerability__osv_id", "pk")
    )
    if not findings:
        CveAlertSubscription.objects.filter(enabled=True).update(last_checked_at=now)
        return 0
    of_repository: dict[int, list[Finding]] = {}  # in the order above
    for finding in findings:
        of_repository.setdefault(finding.manifest.repository_id, []).append(finding)
    repository_ids = set(of_repository)
    followed = _followed_by(repository_ids)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=followed, is_active=True)}
    _subscriptions_ensure(list(users))
    tags = _tags_of({f.manifest_id for f in findings})
    public = set(Repository.objects.filter(readable_filter(None), pk__in=repository_ids).values_list("pk", flat=True))
    with transaction.atomic():
        by_user = {
            s.user_id: s
            for s in CveAlertSubscription.objects.select_for_update()
            .filter(user_id__in=list(users), enabled=True)
            .order_by("pk")
        }
        told = set(
            CveNotice.objects.filter(
                subscription_id__in=[s.pk for s in by_user.values()],
                vulnerability_id__in={f.vulnerability_id for f in findings},
            ).values_list("subscription_id", "manifest_id", "vulnerability_id")
        )
        batch: list[tuple[CveAlertSubscription, list[CveNotice]]] = []
        for user_id in sorted(by_user):
            subscription = by_user[user_id]
            subscription.user = users[user_id]  # the message's addressee, not fetched again
            since = (subscription.last_checked_at or subscription.created_at) - LOOKBACK
            repositories = followed[user_id]
            if not repositories <= public:  # a private one: may they still read it?
                repositories = public & repositories | _readable(subscription.user, repositories - public)
            new = [
                f
                for repository_id in sorted(repositories)
                for f in of_repository[repository_id]
                if f.created_at >= since and (subscription.pk, f.manifest_id, f.vulnerability_id) not in told
            ]
            notices = _notices_of(subscription, new, tags)
            if notices:
                batch.append((subscription, notices))
        messages = messages_send([_cve_message(subscription, notices) for subscription, notices in batch])
        for (_, notices), message in zip(batch, messages, strict=True):
            for notice in notices:
                notice.message = message
        recorded = [notice for _, notices in batch for notice in notices]
        CveNotice.objects.bulk_create(recorded, ignore_conflicts=True, batch_size=2_000)
        CveAlertSubscription.objects.filter(enabled=True).update(last_checked_at=now)
    return len(recorded)


def _followed_by(repository_ids: set[int]) -> dict[int, set[int]]:
    """The repositories among `repository_ids` each user starred or that one of their organizations publishes."""
    followed: dict[int, set[int]] = {}
    for user_id, repository_id in Star.objects.filter(repository_id__in=repository_ids).values_list(
        "user_id", "repository_id"
    ):
        followed.setdefault(user_id, set()).add(repository_id)
    of_namespace: dict[int, set[int]] = {}
    for pk, namespace_id in Repository.objects.filter(pk__in=repository_ids).values_list("pk", "namespace_id"):
        of_namespace.setdefault(namespace_id, set()).add(pk)
    for user_id, namespace_id in Membership.objects.filter(organization_id__in=of_namespace).values_list(
        "user_id", "organization_id"
    ):
        followed.setdefault(user_id, set()).update(of_namespace[namespace_id])
    return followed


def _subscriptions_ensure(user_ids: list[int]) -> None:
    """A follower's subscription is made (on, by default) when first needed."""
    having = set(CveAlertSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    missing = [
        CveAlertSubscription(user_id=pk, webhook_secret=secrets.token_urlsafe(32))
        for pk in user_ids
        if pk not in having
    ]
    CveAlertSubscription.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1_000)


def _readable(user, repository_ids: set[int]) -> set[int]:
    return set(Repository.objects.filter(readable_filter(user), pk__in=repository_ids).values_list("pk", flat=True))


def _notices_of(subscription: CveAlertSubscription, findings: list[Finding], tags: dict[int, list[str]]):
    """The notices of `findings` (new to the subscription, in their order): tagged images only, one per
    (manifest, vulnerability)."""
    notices = [
        CveNotice(
            subscription=subscription,
            repository=f.manifest.repository,
            manifest=f.manifest,
            vulnerability=f.vulnerability,
            severity=f.severity,
            package=f"{f.package.name} {f.package.version}"[:300],
            tags=", ".join(tags[f.manifest_id])[:500],
        )
        for f in findings
        if tags.get(f.manifest_id)  # untagged images are history, not something anyone runs
    ]
    return _first_per_pair(notices)


def _tags_of(manifest_ids: set[int]) -> dict[int, list[str]]:
    """The tags naming each manifest, directly or through an index that holds it."""
    tags: dict[int, list[str]] = {}
    for manifest_id, name in Tag.objects.filter(manifest_id__in=manifest_ids).values_list("manifest_id", "name"):
        tags.setdefault(manifest_id, []).append(name)
    parents = ManifestReference.objects.filter(child_id__in=manifest_ids).values_list("child_id", "parent_id")
    parent_tags: dict[int, list[str]] = {}
    by_parent = dict.fromkeys({parent for _, parent in parents})
    for parent_id, name in Tag.objects.filter(manifest_id__in=by_parent).values_list("manifest_id", "name"):
        parent_tags.setdefault(parent_id, []).append(name)
    for child_id, parent_id in parents:
        tags.setdefault(child_id, []).extend(parent_tags.get(parent_id, []))
    return {pk: sorted(set(names)) for pk, names in tags.items() if names}


def _first_per_pair(notices: list[CveNotice]) -> list[CveNotice]:
    """One notice per (manifest, vulnerability): one advisory can hit two packages of an image."""
    seen, kept = set(), []
    for notice in notices:
        key = (notice.manifest.pk, notice.vulnerability.pk)
        if key not in seen:
            seen.add(key)
            kept.append(notice)
    return kept


def _cve_message(subscription: CveAlertSubscription, notices: list[CveNotice]) -> Outgoing:
    count = len(notices)
    subject = (
        f"[Hub] {count} new critical/high {'vulnerability' if count == 1 else 'vulnerabilities'} in images you follow"
    )
    lines = ["Images you starred, or that your organizations publish, gained critical or high findings:", ""]
    for n in notices:
        aliases = ", ".join(n.vulnerability.aliases or [])
        known_as = f" ({aliases})" if aliases else ""
        lines += [
            f"{n.severity.upper()} {n.vulnerability.osv_id}{known_as} in {repository_display(n.repository)}",
            f"  package {n.package}; tags {n.tags}",
            f"  {absolute_url(repository_path(n.repository, n.tags.split(', ')[0]))}",
            "",
        ]
    lines += [
        f"Manage your alerts: {absolute_url('/settings/alerts')}",
        f"Unsubscribe from CVE alerts: {unsubscribe_url('cve', subscription.user_id)}",
    ]
    payload = {
        "event": "cve.findings",
        "findings": [
            {
                "repository": repository_display(n.repository),
                "tags": n.tags.split(", ") if n.tags else [],
                "digest": n.manifest.digest,
                "vulnerability": n.vulnerability.osv_id,
                "aliases": list(n.vulnerability.aliases or []),
                "severity": n.severity,
                "package": n.package,
                "url": absolute_url(repository_path(n.repository)),
            }
            for n in notices
        ],
    }
    return Outgoing(
        user=subscription.user,
        kind=AlertMessage.Kind.CVE,
        saved=None,
        subject=subject,
        text="\n".join(lines) + "\n",
        email=subscription.email,
        webhook_url=subscription.webhook_url,
        webhook_secret=subscription.webhook_secret,
        payload=payload,
    )
