"""Saved searches run again: what each one finds now, by the one search service, as its owner.

A layer of its own, above search (pyproject.toml's contract): the alert services record and tell what
is new (images/services/alerts.py) but may not import the search, which is built on services. Here a
saved search's stored form (query text, filters by SearchFilters field name, sort) becomes a search
again, and the search page's query string (`q`, `trusted`, `category`, `os`, `arch`, `sort`) becomes
a saved search and back.
"""

import json
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
from images.search.matching import repository_match_ids
from images.search.service import SORTS, repository_search
from images.search.terms import QueryInvalid
from images.selectors.alerts import (
    any_private_repository,
    reads_private_repositories,
    repositories_changed_since,
    repository_ids_existing,
    tags_pushed_since,
)
from images.services import alerts, cve_alerts, search_matches

log = logging.getLogger(__name__)

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


def _baseline(saved: SavedSearch) -> None:
    """Record what `saved` finds now as its state, known and never told; a query the search cannot read is refused
    with its reason."""
    try:
        found = repository_match_ids(user=saved.user, query=saved.query, filters=search_filters(saved.filters or {}))
    except QueryInvalid as invalid:
        raise ValidationError({"query": invalid.message}) from invalid
    alerts.search_baseline_record(saved=saved, repository_ids=found)


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

    Only a repository changed since a search last ran (selectors.alerts.repositories_changed_since, with a
    margin for transactions that commit late) can start or stop matching it, so a search is evaluated over
    those only and compared with its state, what it matched at its last run (SavedSearch.matches: every
    match, not only its first results, so one that matched all along never looks new). The changes are read
    once, since the earliest search's last run: over more repositories than changed since its own, a search
    finds the same news, its state being what it compares with. Searches with the same query and filters,
    whose owners read no private repository, are one evaluation. With no change a search is only marked as
    checked."""
    alerts.alerts_compute_started()
    searches = list(SavedSearch.objects.filter(active=True, user__is_active=True).select_related("user").order_by("pk"))
    starts = [alerts.search_window_start(saved) for saved in searches if saved.matches is not None]
    run = _Run(now or timezone.now(), since=min(starts, default=None))
    found = [
        search_matches.Found(
            saved=saved,
            matching=run.matching(saved, whole=saved.matches is None),
            among=None if saved.matches is None else run.changed,
            search_url=search_url(saved),
        )
        # No state yet (saved before states were kept): evaluated whole, once; with no change, only checked.
        for saved in searches
        if saved.matches is None or run.changed
    ]
    told, checked = search_matches.searches_record(found=found, run=run.search_run)
    checked += [saved.pk for saved in searches if saved.matches is not None and not run.changed]
    alerts.searches_checked(search_ids=checked, now=run.now)
    cve = cve_alerts.cve_alerts_compute(now=run.now)
    return {"search_notices": told, "cve_notices": cve}


class _Run:
    """What one computation reads once for every search: the repositories changed and the tags pushed since the
    earliest search's window start, each owner's view, and each distinct search's matches."""

    def __init__(self, now: datetime, since: datetime | None):
        self.now = now
        self.changed: set[int] = repositories_changed_since(since) if since else set()
        self._viewers: dict[int, object] = {}
        self._matching: dict[tuple, set[int]] = {}
        self._first: dict[tuple, list[int]] = {}
        self._existing: set[int] | None = None
        self._private: bool | None = None
        self.search_run = search_matches.SearchRun(
            recent_tags=tags_pushed_since(since) if since else {},
            existing_ids=self._existing_ids,
            first_results=self._first_results,
            now=now,
        )

    def viewer(self, saved: SavedSearch):
        """Whom the search runs as: its owner, or anyone (None) when the owner reads no private repository (the
        same results, shared by every such owner's search)."""
        if self._private is None:
            self._private = any_private_repository()  # none at all: no owner's query per search
        if saved.user_id not in self._viewers:
            reads = self._private and reads_private_repositories(saved.user)
            self._viewers[saved.user_id] = saved.user if reads else None
        return self._viewers[saved.user_id]

    def matching(self, saved: SavedSearch, whole: bool) -> set[int]:
        """What `saved` finds among the repositories changed (`whole`: among all of them)."""
        viewer = self.viewer(saved)
        key = (getattr(viewer, "pk", None), saved.query, _filters_key(saved), whole)
        among = None if whole else self.changed
        if key not in self._matching:
            try:
                found = repository_match_ids(
                    user=viewer, query=saved.query, filters=search_filters(saved.filters or {}), among=among
                )
            except QueryInvalid as invalid:
                # Saving refuses such a query (_baseline): one saved before the query language changed finds nothing.
                log.warning("saved search %s: %s", saved.pk, invalid.message)
                found = set()
            self._matching[key] = found
        return self._matching[key]

    def _first_results(self, saved: SavedSearch) -> list[int]:
        viewer = self.viewer(saved)
        key = (getattr(viewer, "pk", None), saved.query, _filters_key(saved), saved.sort)
        if key not in self._first:
            self._first[key] = repository_search(
                user=viewer,
                query=saved.query,
                filters=search_filters(saved.filters or {}),
                sort=saved.sort if saved.sort in SORTS else "best",
                limit=search_matches.MATCH_LIMIT,
                facets=False,
                ids_only=True,
            ).ids
        return self._first[key]

    def _existing_ids(self) -> set[int]:
        if self._existing is None:
            self._existing = repository_ids_existing()
        return self._existing


def _filters_key(saved: SavedSearch) -> str:
    return json.dumps(saved.filters or {}, sort_keys=True)


def alerts_digest() -> int:
    """The daily digest of every daily search; how many messages went."""
    return alerts.digests_send(search_url_of=search_url)
