"""Saved searches: saving, changing and deleting them, their starting state, the digest and the text of their
messages (what a computation records: images/services/search_matches.py; CVE alerts: cve_alerts.py; mail,
webhooks and unsubscribe links: alert_messages.py).

What matches a saved search is found by the one search's conditions, run as the search's owner
(images/alerts.py, a layer above search). A search is told of a repository that starts matching (one notice,
tag "") and of a tag pushed to a matching repository after it was saved (one notice per tag). What matched
when the search was saved (changed, turned on again) is its starting state (SavedSearch.matches), never
told. The unique (search, repository, tag) constraint is what "told once" means, so computing twice tells
nothing new. Immediate searches are told at each computation; daily ones wait for the digest (one mail per
search a day).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from images.models import AlertMessage, CveAlertSubscription, Repository, SavedSearch, SearchNotice, Tag
from images.services.alert_messages import (
    UNSUBSCRIBE_SALT,
    Outgoing,
    absolute_url,
    messages_send,
    repository_display,
    repository_path,
    unsubscribe_url,
)
from images.services.authorization import may_manage_saved_search, may_save_searches
from images.services.cve_alerts import cve_subscription
from images.services.jobs import ALERTS_COMPUTE, job_enqueue
from images.services.webhooks import webhook_url_check

# A row written in a transaction that commits late carries an earlier time than its commit: each
# computation looks this far back before its last run, and the notices keep it from telling twice.
LOOKBACK = timedelta(hours=1)
MAX_SEARCHES_PER_USER = 50
MAX_TAGS_LISTED = 20
NAME_MAX = 100
QUERY_MAX = 200
# While set, a computation is on its way: pushes and imports in the meantime need not send another.
COMPUTE_PENDING_KEY = "hub:alerts-compute-pending"
COMPUTE_PENDING_SECONDS = 300


def alerts_compute_soon() -> None:
    """Ask for a computation of alerts (after an advisory import, after an image is indexed): cheap, at most
    one waiting at a time. The computation itself clears the mark when it starts (alerts_compute_started)."""
    if cache.add(COMPUTE_PENDING_KEY, True, timeout=COMPUTE_PENDING_SECONDS):
        job_enqueue(ALERTS_COMPUTE)


def alerts_compute_started() -> None:
    cache.delete(COMPUTE_PENDING_KEY)


# --- saved searches: written only by their owner ------------------------------------------------------


def _owner_check(user, saved: SavedSearch) -> None:
    if not may_manage_saved_search(user, saved):
        raise PermissionDenied("not your saved search")


def _fields_clean(fields: dict) -> dict:
    cleaned = {}
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise ValidationError({"name": "Give the search a name."})
        cleaned["name"] = name[:NAME_MAX]
    if "query" in fields:
        cleaned["query"] = (fields["query"] or "").strip()[:QUERY_MAX]
    if "filters" in fields:
        cleaned["filters"] = _filters_clean(fields["filters"] or {})
    if "sort" in fields:
        cleaned["sort"] = (fields["sort"] or "best")[:16]
    if "mode" in fields:
        if fields["mode"] not in SavedSearch.Mode.values:
            raise ValidationError({"mode": f"Choose one of {', '.join(SavedSearch.Mode.values)}."})
        cleaned["mode"] = fields["mode"]
    for flag in ("email", "active"):
        if flag in fields:
            cleaned[flag] = bool(fields[flag])
    if "webhook_url" in fields:
        url = (fields["webhook_url"] or "").strip()
        if url:
            try:
                url = webhook_url_check(url)
            except ValidationError:
                raise ValidationError({"webhook_url": "Enter an http:// or https:// URL."}) from None
        cleaned["webhook_url"] = url
    return cleaned


def _filters_clean(filters) -> dict:
    """The stored shape: {field name: [values]}, bounded. Which names a search knows is decided where the
    search is run (images/alerts.py drops the others)."""
    if not isinstance(filters, dict):
        raise ValidationError({"filters": "An object of filter names and value lists."})
    cleaned = {}
    for key, values in list(filters.items())[:20]:
        if not isinstance(key, str) or not key.isidentifier() or len(key) > 40:
            raise ValidationError({"filters": f"Unknown filter {str(key)[:40]!r}."})
        values = [values] if isinstance(values, str | bool) else values
        if not isinstance(values, list | tuple) or not all(isinstance(v, str | bool) for v in values):
            raise ValidationError({"filters": f"The filter {key} takes a list of values."})
        kept = [v if isinstance(v, bool) else v.strip()[:100] for v in values][:20]
        if kept:
            cleaned[key] = kept
    return cleaned


@transaction.atomic
def saved_search_create(
    *, user, name: str, query: str = "", filters=None, sort: str = "best", **options
) -> SavedSearch:
    if not may_save_searches(user):
        raise PermissionDenied("sign in to save searches")
    if SavedSearch.objects.filter(user=user).count() >= MAX_SEARCHES_PER_USER:
        raise ValidationError({"name": f"At most {MAX_SEARCHES_PER_USER} saved searches; delete one first."})
    fields = _fields_clean({"name": name, "query": query, "filters": filters or {}, "sort": sort, **options})
    return SavedSearch.objects.create(user=user, webhook_secret=secrets.token_urlsafe(32), **fields)


@transaction.atomic
def saved_search_update(*, user, saved: SavedSearch, **changes) -> SavedSearch:
    """Change a search; turned on again after an unsubscribe, it starts from now."""
    _owner_check(user, saved)
    fields = _fields_clean(changes)
    if fields.get("active") and not saved.active:
        fields["last_checked_at"] = timezone.now()
    for name, value in fields.items():
        setattr(saved, name, value)
    saved.save()
    return saved


@transaction.atomic
def saved_search_delete(*, user, saved: SavedSearch) -> None:
    _owner_check(user, saved)
    saved.delete()


def search_changed(before: SavedSearch, after: SavedSearch) -> bool:
    """Whether what the search finds may have changed (so what it finds now is the new baseline)."""
    return (before.query, before.filters) != (after.query, after.filters)


# --- saved searches: what is new -----------------------------------------------------------------------


@dataclass
class Match:
    """One line of an alert: a repository (tag "") or a tag."""

    repository: Repository
    tag: str
    kind: str
    tags: tuple[str, ...] = ()


def search_baseline_record(*, saved: SavedSearch, repository_ids: set[int]) -> None:
    """What the search finds now (when saved, changed or turned on again) is its state, known and never told, and
    so are the tags of those repositories that its next run would otherwise see as pushed since."""
    start = search_window_start(saved)
    tags = Tag.objects.filter(pushed_at__gte=start, pushed_at__gt=saved.created_at).values_list("repository_id", "name")
    notices = [
        SearchNotice(saved_search=saved, repository_id=pk, tag=name[:128], kind=SearchNotice.Kind.BASELINE)
        for pk, name in tags
        if pk in repository_ids
    ]
    SearchNotice.objects.bulk_create(notices, ignore_conflicts=True)
    saved.matches = sorted(repository_ids)
    SavedSearch.objects.filter(pk=saved.pk).update(matches=saved.matches)


def search_window_start(saved: SavedSearch) -> datetime:
    """Since when a search's news is looked for: its last run, less a margin for transactions that commit late."""
    return max(saved.created_at, (saved.last_checked_at or saved.created_at) - LOOKBACK)


def searches_checked(*, search_ids: list[int], now: datetime) -> None:
    """Searches that nothing changed could concern were checked too."""
    SavedSearch.objects.filter(pk__in=search_ids, active=True).update(last_checked_at=now)


def search_pending_send(*, saved: SavedSearch, search_url: str, digest: bool = False) -> AlertMessage | None:
    """Tell the notices of `saved` not told yet, in one message (a daily digest's, or an immediate one's)."""
    pending = list(
        SearchNotice.objects.filter(saved_search=saved, message__isnull=True)
        .exclude(kind=SearchNotice.Kind.BASELINE)
        .select_related("repository__namespace")
    )
    if not pending:
        return None
    [message] = messages_send([search_message(saved, pending, search_url, digest=digest)])
    SearchNotice.objects.filter(pk__in=[n.pk for n in pending]).update(message=message)
    if digest:
        SavedSearch.objects.filter(pk=saved.pk).update(last_digest_at=timezone.now())
    return message


def search_message(saved: SavedSearch, notices: list[SearchNotice], search_url: str, digest: bool = False) -> Outgoing:
    """The message telling `notices` (each with its repository and namespace at hand)."""
    notices = sorted(notices, key=lambda n: (n.repository.namespace.name, n.repository.name, n.tag))
    matches = _matches_of(notices)
    count = len(matches)
    what = "new match" if count == 1 else "new matches"
    subject = f'[Hub] {count} {what} for your saved search "{saved.name}"'
    if digest:
        subject = f'[Hub] Daily digest: {count} {what} for "{saved.name}"'
    lines = [f'New results of your saved search "{saved.name}" (query: {saved.query or "(any)"}):', ""]
    for match in matches:
        lines += _match_lines(match)
    lines += [
        f"See the search: {search_url}",
        f"Manage your alerts: {absolute_url('/settings/alerts')}",
        f"Unsubscribe from this search: {unsubscribe_url('search', saved.pk)}",
    ]
    payload = {
        "event": "saved_search.matches",
        "search": {"id": saved.pk, "name": saved.name, "query": saved.query, "url": search_url},
        "matches": [
            {
                "kind": m.kind,
                "repository": repository_display(m.repository),
                "tag": m.tag or None,
                "tags": list(m.tags),
                "url": absolute_url(repository_path(m.repository, m.tag)),
            }
            for m in matches
        ],
    }
    return Outgoing(
        user=saved.user,
        kind=AlertMessage.Kind.DIGEST if digest else AlertMessage.Kind.SEARCH,
        saved=saved,
        subject=subject,
        text="\n".join(lines) + "\n",
        email=saved.email,
        webhook_url=saved.webhook_url,
        webhook_secret=saved.webhook_secret,
        payload=payload,
    )


def _matches_of(notices: list[SearchNotice]) -> list[Match]:
    """A new repository with its tags on one line; the new tags of repositories already told, one each."""
    new_repositories = {n.repository_id for n in notices if n.kind == SearchNotice.Kind.REPOSITORY}
    tags_of: dict[int, list[str]] = {}
    matches = []
    for notice in notices:
        if notice.kind == SearchNotice.Kind.REPOSITORY:
            matches.append(Match(notice.repository, "", notice.kind))
        elif notice.repository_id in new_repositories:
            tags_of.setdefault(notice.repository_id, []).append(notice.tag)
        else:
            matches.append(Match(notice.repository, notice.tag, notice.kind))
    for match in matches:
        if not match.tag:
            match.tags = tuple(tags_of.get(match.repository.pk, ()))
    return matches


def _match_lines(match: Match) -> list[str]:
    name = repository_display(match.repository)
    if match.tag:
        return [f"New tag {name}:{match.tag}", f"  {absolute_url(repository_path(match.repository, match.tag))}", ""]
    lines = [f"New repository {name}", f"  {absolute_url(repository_path(match.repository))}"]
    for tag in match.tags[:MAX_TAGS_LISTED]:
        lines.append(f"  tag {tag}: {absolute_url(repository_path(match.repository, tag))}")
    if len(match.tags) > MAX_TAGS_LISTED:
        lines.append(f"  and {len(match.tags) - MAX_TAGS_LISTED} more tags")
    return [*lines, ""]


def digests_send(*, search_url_of) -> int:
    """The daily digest: one message per daily search with notices not told yet. `search_url_of(saved)` is
    the link to the search (its page's address is the web's to spell)."""
    sent = 0
    daily = SavedSearch.objects.filter(active=True, mode=SavedSearch.Mode.DAILY).select_related("user")
    # One filter() over the notices: a pending notice that is news (a baseline one is never told).
    told_kinds = [SearchNotice.Kind.REPOSITORY, SearchNotice.Kind.TAG]
    for saved in daily.filter(notices__message__isnull=True, notices__kind__in=told_kinds).distinct():
        with transaction.atomic():
            sent += search_pending_send(saved=saved, search_url=search_url_of(saved), digest=True) is not None
    return sent


def unsubscribe_target(token: str) -> SavedSearch | CveAlertSubscription | None:
    """What an unsubscribe token stops, or None for a bad token (or one whose search is gone)."""
    try:
        kind, _, pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token).partition(".")
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    if kind == "search":
        return SavedSearch.objects.filter(pk=int(pk)).select_related("user").first()
    if kind == "cve":
        user = get_user_model().objects.filter(pk=int(pk)).first()
        if user is None:
            return None
        # Read only (a GET shows it): before the settings were first made, they are the defaults.
        return CveAlertSubscription.objects.filter(user=user).first() or CveAlertSubscription(user=user)
    return None


@transaction.atomic
def unsubscribe(*, token: str) -> SavedSearch | CveAlertSubscription | None:
    target = unsubscribe_target(token)
    if isinstance(target, SavedSearch):
        SavedSearch.objects.filter(pk=target.pk).update(active=False)
    elif isinstance(target, CveAlertSubscription):
        CveAlertSubscription.objects.filter(pk=cve_subscription(user=target.user).pk).update(enabled=False)
    return target
