"""Which repositories a search matches, as a set: no order, no page, no counts (saved-search alerts).

repository_search() (images/search/service.py) finds a page of results in order; a saved search's alerts need
instead every repository it matches, or only those among a few (the ones changed since its last run), to
compare with what it matched before (images/alerts.py). The conditions are the search's own (the same
helpers), so a repository matches here exactly when it would be among the search's results.
"""

from collections.abc import Collection

from django.db.models import QuerySet

from images.models import Repository
from images.search import facets as search_facets
from images.search import packages
from images.search.facets import SearchFilters
from images.search.query import parse_query
from images.search.service import _matches, _namespace_ids, _typo_names, backend
from images.services.authorization import readable_filter

# Ids per query when the repositories are named (SQLite's and PostgreSQL's limits on parameters).
IDS_PER_QUERY = 5_000


def repository_match_ids(
    *, user, query: str = "", filters: SearchFilters | None = None, among: Collection[int] | None = None
) -> set[int]:
    """The ids of the repositories `user` may see that match `query` and `filters` (all of them, or those among
    `among`). Raises images.search.terms.QueryInvalid as repository_search() does."""
    if among is not None and not among:
        return set()
    matching = _matching(user, query, filters or SearchFilters())
    if among is None:
        return set(matching.values_list("id", flat=True))
    ids = sorted(among)
    found: set[int] = set()
    for start in range(0, len(ids), IDS_PER_QUERY):
        found.update(matching.filter(pk__in=ids[start : start + IDS_PER_QUERY]).values_list("id", flat=True))
    return found


def _matching(user, query: str, filters: SearchFilters) -> QuerySet:
    """The same matching rows as repository_search() (its `matching`), unordered."""
    parsed = parse_query(query)
    content = packages.content_filter(parsed.terms)
    visible = Repository.objects.filter(readable_filter(user))
    if content is not None:
        visible = visible.filter(packages.repository_q(content))
    base = _matches(visible, parsed, _typo_names(parsed), _namespace_ids(parsed), backend().named_ids(parsed))
    return search_facets.filtered(base, filters, search_facets.category_ids(filters)).order_by()
