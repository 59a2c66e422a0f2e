"""Reads for the alert pages and the API: a user's saved searches, their notices and CVE alerts (only their own)."""

from django.db.models import Q

from images.models import (
    AlertMessage,
    CveAlertSubscription,
    CveNotice,
    Manifest,
    Repository,
    SavedSearch,
    SearchNotice,
    Tag,
)
from images.services.authorization import may_manage_saved_search, readable_filter

RECENT_NOTICES = 5


def saved_searches_of(*, user) -> list[SavedSearch]:
    """The user's saved searches, each with its `recent_notices` (what it told last, newest first)."""
    searches = list(SavedSearch.objects.filter(user=user).order_by("name", "pk"))
    for saved in searches:
        saved.recent_notices = notices_of(saved=saved, limit=RECENT_NOTICES)
    return searches


def saved_search_of(*, user, search_id: int | None) -> SavedSearch | None:
    """The saved search `search_id` if it is the user's; None otherwise (another's looks like a missing one)."""
    if search_id is None:
        return None
    saved = SavedSearch.objects.filter(pk=search_id).select_related("user").first()
    return saved if saved is not None and may_manage_saved_search(user, saved) else None


def notices_of(*, saved: SavedSearch, limit: int | None = None):
    """What the search told (or will tell in its digest), newest first; the baseline is not news."""
    notices = (
        SearchNotice.objects.filter(saved_search=saved)
        .exclude(kind=SearchNotice.Kind.BASELINE)
        .select_related("repository__namespace", "message")
        .order_by("-notified_at", "-pk")
    )
    return list(notices[:limit]) if limit else notices


def cve_subscription_of(*, user) -> CveAlertSubscription | None:
    """The user's CVE alert settings, or None before they were first made (on, by default)."""
    return CveAlertSubscription.objects.filter(user=user).first()


def cve_notices_of(*, user, limit: int | None = None):
    notices = (
        CveNotice.objects.filter(subscription__user=user)
        .select_related("repository__namespace", "vulnerability", "manifest")
        .order_by("-notified_at", "-pk")
    )
    return list(notices[:limit]) if limit else notices


def messages_of(*, user, limit: int = 20) -> list[AlertMessage]:
    return list(AlertMessage.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def repositories_changed_since(since) -> set[int]:
    """The repositories whose match with a search may have changed since `since`: pushed to (a tag moved), an
    image of theirs indexed or its findings computed again, their posture refreshed, or their listing saved
    (description, visibility ...). Only these can start matching a saved search (images/alerts.py)."""
    changed = set(
        Repository.objects.filter(
            Q(updated_at__gte=since) | Q(last_pushed_at__gte=since) | Q(last_scanned_at__gte=since)
        ).values_list("pk", flat=True)
    )
    changed |= set(Tag.objects.filter(pushed_at__gte=since).values_list("repository_id", flat=True))
    changed |= set(
        Manifest.objects.filter(Q(indexed_at__gte=since) | Q(findings_at__gte=since)).values_list(
            "repository_id", flat=True
        )
    )
    return changed


def tags_pushed_since(since) -> dict[int, list[tuple]]:
    """The tags pushed since `since`, by repository id: [(name, pushed_at)]."""
    pushed: dict[int, list[tuple]] = {}
    for repository_id, name, pushed_at in Tag.objects.filter(pushed_at__gte=since).values_list(
        "repository_id", "name", "pushed_at"
    ):
        pushed.setdefault(repository_id, []).append((name, pushed_at))
    return pushed


def any_private_repository() -> bool:
    return Repository.objects.filter(is_private=True).exists()


def reads_private_repositories(user) -> bool:
    """Whether `user` may read some private repository: if not, they find what anyone finds."""
    return Repository.objects.filter(readable_filter(user), is_private=True).exists()


def repository_ids_existing() -> set[int]:
    return set(Repository.objects.values_list("pk", flat=True))
