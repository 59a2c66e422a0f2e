"""Saved searches run again: what each one finds now, by the one search service, as its owner.

A layer of its own, above search (pyproject.toml's contract): the alert services record and tell what
is new (images/services/alerts.py) but may not import the search, which is built on services. Here a
saved search's stored form (query text, filters by SearchFilters field name, sort) becomes a search
again, and the search page's query string (`q`, `trusted`, `category`, `os`, `arch`, `sort`) becomes
a saved search and back.
"""

import logging
from dataclasses import asdict, fields
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from images.models import SavedSearch
from images.search.facets import SearchFilters
from images.search.service import SORTS, repository_search
from images.search.terms import QueryInvalid
from images.selectors.alerts import repositories_changed_since
from images.services import alerts, cve_alerts

log = logging.getLogger(__name__)

# The most repositories a saved search follows: what it finds beyond them (in its order) is not told.
MATCH_LIMIT = 500

# The search page's parameter for each SearchFilters field (images/web/views/catalogue.py reads them);
# a field not named here is read from the parameter of its own name.
PAGE_PARAMETERS = {"trusted": "trusted", "categories": "category", "os": "os", "architectures": "arch", "bases": "base"}


def search_filters(stored: dict) -> SearchFilters:
    """The SearchFilters a saved search's stored filters stand for; names the search does not know are left out."""
    values = {}
    for field in fields(SearchFilters):
        if field.name in stored:
            value = stored[field.name]
            values[field.name] = tuple(value) if isinstance(field.default, tuple) else _scalar(value)
    return SearchFilters(**values)


def _scalar(value):
    return value[0] if isinstance(value, list | tuple) and value else value


def filters_stored(filters: SearchFilters) -> dict:
    """SearchFilters as a saved search stores them: only the fields that are set."""
    stored = {}
    for name, value in asdict(filters).items():
        if value in ((), None, False, ""):
            continue
        stored[name] = list(value) if isinstance(value, tuple | list) else [value]
    return stored


def filters_from_page(params) -> dict:
    """The stored filters of the search page's query string (a QueryDict)."""
    stored = {}
    for field in fields(SearchFilters):
        values = [v.strip()[:100] for v in params.getlist(PAGE_PARAMETERS.get(field.name, field.name)) if v.strip()]
        if values:
            stored[field.name] = values[:20] if isinstance(field.default, tuple) else [values[0]]
    return stored


def search_path(saved: SavedSearch) -> str:
    """The search page showing what `saved` finds."""
    pairs = [("q", saved.query)] if saved.query else []
    for name, values in (saved.filters or {}).items():
        pairs += [(PAGE_PARAMETERS.get(name, name), str(v)) for v in values]
    if saved.sort and saved.sort != "best":
        pairs.append(("sort", saved.sort))
    return f"/search?{urlencode(pairs)}" if pairs else "/search"


def search_url(saved: SavedSearch) -> str:
    return f"{settings.PUBLIC_URL}{search_path(saved)}"


def saved_search_matches(saved: SavedSearch) -> list[int]:
    """The ids of the repositories `saved` finds now, as its owner sees them (visibility applied by the search)."""
    try:
        result = _search(saved)
    except QueryInvalid as invalid:
        # Saving refuses such a query (_baseline): one stored before a change of the query language finds nothing.
        log.warning("saved search %s: %s", saved.pk, invalid.message)
        return []
    return result.ids


def _baseline(saved: SavedSearch) -> None:
    """Record what `saved` finds now as told; a query the search cannot read is refused with its reason."""
    try:
        result = _search(saved)
    except QueryInvalid as invalid:
        raise ValidationError({"query": invalid.message}) from invalid
    alerts.search_baseline_record(saved=saved, repository_ids=result.ids)


def _search(saved: SavedSearch):
    return repository_search(
        user=saved.user,
        query=saved.query,
        filters=search_filters(saved.filters or {}),
        sort=saved.sort if saved.sort in SORTS else "best",
        limit=MATCH_LIMIT,
        facets=False,
        ids_only=True,
    )


@transaction.atomic
def saved_search_save(*, user, **fields) -> SavedSearch:
    """Save a search; what it finds now is its baseline (told never: the user has seen it)."""
    saved = alerts.saved_search_create(user=user, **fields)
    _baseline(saved)
    return saved


@transaction.atomic
def saved_search_change(*, user, saved: SavedSearch, **changes) -> SavedSearch:
    """Change a search; when what it looks for changed, or it is turned on again, what it finds now becomes part
    of its baseline."""
    before = SavedSearch(query=saved.query, filters=saved.filters, active=saved.active)
    saved = alerts.saved_search_update(user=user, saved=saved, **changes)
    if alerts.search_changed(before, saved) or (saved.active and not before.active):
        _baseline(saved)
    return saved


def alerts_compute(*, now: datetime | None = None) -> dict:
    """Every active saved search and every CVE subscription, from stored data. Safe to run twice: what
    was told is recorded, so a second run tells nothing.

    A search runs again only when some repository changed since it last ran (selectors.alerts.
    repositories_changed_since, with a margin for transactions that commit late): nothing else can make a
    repository or a tag start matching. Then it runs whole, not over the changed ones only: what it finds
    is compared with what it found (and told) before, and a repository that matched all along past its
    first MATCH_LIMIT results must not look new. With no change it is only marked as checked."""
    alerts.alerts_compute_started()
    now = now or timezone.now()
    searches = 0
    changed_since: dict[datetime, set[int]] = {}
    unchanged = []
    for saved in SavedSearch.objects.filter(active=True, user__is_active=True).select_related("user").order_by("pk"):
        since = alerts.search_window_start(saved)
        if since not in changed_since:
            changed_since[since] = repositories_changed_since(since)
        if not changed_since[since]:
            unchanged.append(saved.pk)
            continue
        searches += alerts.search_notices_record(
            saved=saved, repository_ids=saved_search_matches(saved), now=now, search_url=search_url(saved)
        )
    alerts.searches_checked(search_ids=unchanged, now=now)
    cve = cve_alerts.cve_alerts_compute(now=now)
    return {"search_notices": searches, "cve_notices": cve}


def alerts_digest() -> int:
    """The daily digest of every daily search; how many messages went."""
    return alerts.digests_send(search_url_of=search_url)
