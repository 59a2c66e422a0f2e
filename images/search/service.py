"""repository_search(): the one search behind the catalogue page, the REST API and /v1/search.

Ranking (best match), highest first:
  1. tier: exact name (or namespace/name) > name prefix > a word of the name > the publisher's
     name > a substring of the name > a typo of the name > words in the short description >
     words in the README only;
  2. trusted content: Official Image > Verified Publisher > Sponsored OSS > the rest;
  3. popularity: pulls, then stars.
These rules are the same on every database; what each database's SQL does differently (text
matches, typo candidates, name id lists) lives in images/search/postgresql.py and sqlite.py, and
filters and facet counts in images/search/facets.py.
"""

from dataclasses import dataclass, field
from types import ModuleType

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from images.models import Namespace, Repository, Tag
from images.search import bases as search_bases
from images.search import facets as search_facets
from images.search import packages, postgresql, sqlite
from images.search.facets import FacetValue, SearchFilters
from images.search.query import ParsedQuery, damerau_levenshtein, parse_query, typo_budget
from images.services.authorization import readable_filter


def backend() -> ModuleType:
    """The search SQL of the database in use."""
    return postgresql if connection.vendor == "postgresql" else sqlite


SORTS = {
    "best": "Best match",
    "pulls": "Most pulls",
    "stars": "Most stars",
    "updated": "Recently updated",
    "vulns": "Fewest vulnerabilities",
}

TIER_EXACT, TIER_PREFIX, TIER_WORD, TIER_NAMESPACE, TIER_SUBSTRING, TIER_TYPO, TIER_SUMMARY, TIER_README = (
    100,
    80,
    70,
    60,
    50,
    40,
    30,
    20,
)

MAX_TYPO_NAMES = 50


@dataclass
class SearchResult:
    total: int
    items: list[Repository]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    query: ParsedQuery = field(default_factory=ParsedQuery)
    # More than `total` repositories match: `total` is the count cap (see count_cap()).
    total_is_approximate: bool = False
    # The facet counts are over the first `total` matches found, not over all of them.
    facets_are_approximate: bool = False
    # True when some results are there only because their name is a typo away from the query.
    typo_matches: bool = False
    # The Packages tab of a `pkg:` query (repository_search(package_versions=True)).
    package_versions: list[packages.PackageVersion] = field(default_factory=list)
    # The ids of `items`, in order (repository_search(ids_only=True) fills only these).
    ids: list[int] = field(default_factory=list)


def repository_search(
    *,
    user,
    query: str = "",
    filters: SearchFilters | None = None,
    sort: str = "best",
    offset: int = 0,
    limit: int = 25,
    facets: bool = True,
    package_versions: bool = False,
    ids_only: bool = False,
) -> SearchResult:
    """Repositories `user` may see that match `query` and `filters`, one page of them, and facet counts.

    Raises images.search.terms.QueryInvalid for a `pkg:`, `cve:` ... term that cannot be read. Each result
    carries `content_matches` when the query has such terms (images/search/packages.py);
    `package_versions`: also list the versions of the packages its `pkg:` terms name. `ids_only`: no rows, only
    `ids` (in order) and `total` (what saved searches need: images/alerts.py)."""
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    content = packages.content_filter(parsed.terms)
    sort = sort if sort in SORTS else "best"
    typo_names = _typo_names(parsed)
    namespaces = _namespace_ids(parsed)
    named = backend().named_ids(parsed)
    category_ids = search_facets.category_ids(filters)
    base_paths = (*parsed.terms.bases, *filters.bases)
    visible = Repository.objects.filter(readable_filter(user)).filter(search_bases.base_q(base_paths, user))
    if content is not None:
        visible = visible.filter(packages.repository_q(content))
    base = _matches(visible, parsed, typo_names, namespaces, named)
    matching = search_facets.filtered(base, filters, category_ids)
    # Every tier but the last implies a match of the name or the text, so tiers need only the
    # namespace and tag parts of the match: fewer conditions to test per row, and an index to use.
    scope = search_facets.filtered(visible.filter(_scope_q(parsed, namespaces)), filters, category_ids)
    counts = search_facets.search_counts(base, matching, filters, category_ids, facets=facets)
    narrow = not counts.total_is_approximate
    shown = matching
    if not narrow and (named is not None or content is not None):
        # A broad query's page walks an order index and tests rows as it goes: there a name test per row
        # costs less than what SQLite does with the id list (gather every id and every text match, then sort),
        # and a probe of the row's images less than gathering every repository that holds a package.
        walked = Repository.objects.filter(readable_filter(user)).filter(search_bases.base_q(base_paths, user))
        if content is not None:
            walked = walked.filter(packages.repository_probe_q(content))
            scope = search_facets.filtered(walked.filter(_scope_q(parsed, namespaces)), filters, category_ids)
        shown = search_facets.filtered(_matches(walked, parsed, typo_names, namespaces, None), filters, category_ids)
    ids = _page(
        shown,
        scope,
        parsed,
        typo_names,
        namespaces,
        named,
        sort=sort,
        offset=max(0, offset),
        limit=max(0, limit),
        narrow=narrow,
    )
    if ids_only:
        return SearchResult(total=counts.total, items=[], ids=ids, query=parsed)
    items = _rows(ids)
    for item in items:
        item.tier = _name_tier(parsed, typo_names, item)
    typo_matches = bool(typo_names) and any(item.tier == TIER_TYPO for item in items)
    packages.matches_attach(items, content)
    result = SearchResult(
        total=counts.total,
        items=items,
        ids=ids,
        query=parsed,
        typo_matches=typo_matches,
        total_is_approximate=counts.total_is_approximate,
        facets_are_approximate=counts.facets_are_approximate,
    )
    if facets:
        result.facets = search_facets.facet_values(counts, filters)
        result.facets["bases"] = search_bases.base_facet(matching, base_paths, user)
    if package_versions:
        # Without the content terms too: where one `pkg:` term is all there is, the tab's rows meet it already.
        others = search_facets.filtered(
            _matches(Repository.objects.filter(readable_filter(user)), parsed, typo_names, namespaces, named),
            filters,
            category_ids,
        )
        result.package_versions = packages.package_versions(matching, content, others=others)
    return result


_ORDERS = {
    "best": [F("trusted_rank").desc(), F("pull_count").desc(), F("star_count").desc(), "id"],
    "pulls": [F("pull_count").desc(), F("trusted_rank").desc(), "id"],
    "stars": [F("star_count").desc(), F("pull_count").desc(), "id"],
    "updated": [F("last_pushed_at").desc(nulls_last=True), "id"],
    # Critical, then high, then total count of the latest tag (images.services.posture); not scanned last.
    "vulns": [F("vulns_rank").asc(), F("pull_count").desc(), "id"],
}

# Columns no result shows: not read for a page of results.
_UNSHOWN = ("full_description", "logo")

# What each numeric order starts with for a narrow search: its column as an expression, no index order to walk
# (see _page: narrow).
_SORT_KEYS = {
    "best": (F("trusted_rank") + 0).desc(),
    "pulls": (F("pull_count") + 0).desc(),
    "stars": (F("star_count") + 0).desc(),
    "vulns": (F("vulns_rank") + 0).asc(),
}


def _page(
    matching: QuerySet,
    scope: QuerySet,
    parsed: ParsedQuery,
    typo_names: list[str],
    namespaces: dict[str, list[int]],
    named: RawSQL | None,
    *,
    sort: str,
    offset: int,
    limit: int,
    narrow: bool,
):
    """The ids of one page of results in the order of `sort`.

    The page's ids are found first and its rows read once by id afterwards (_rows): the queries that find ids
    need only the columns of the order, the visibility and the facets, which the name index holds
    (migration 0012), so a name tier with a filter is read from the index, not from a heap page per name.

    `narrow`: the matches are few (at most the count cap), so they are best found through their own
    conditions (trigram, text and name indexes) and sorted, never by walking an order index and
    testing rows that mostly do not match. The order then starts with an expression (`+ 0`), which
    no index provides. Broad queries walk the index of their order and stop after a page.
    """
    if not limit:
        return []
    if sort != "best" or parsed.is_empty or not parsed.name:
        order = _ORDERS[sort]
        if narrow and sort in _SORT_KEYS:
            order = [_SORT_KEYS[sort], *order[1:]]
        return list(matching.order_by(*order).values_list("id", flat=True)[offset : offset + limit])
    # Best match: tier by tier, best tier first. Each tier is one query in the order of an index, so
    # a broad word never sorts all of its matches; tiers wholly before the page are only counted.
    ids: list[int] = []
    earlier = Q(pk__in=[])
    for condition, within_name in _tier_conditions(parsed, typo_names, namespaces):
        if named is not None and within_name:
            condition &= Q(pk__in=named)
        tier = scope.filter(condition & ~earlier) if condition is not None else matching.filter(~earlier)
        if condition is not None:
            earlier |= condition
        if offset:
            before = tier.order_by()[:offset].count()
            if before < offset:
                offset -= before
                continue
        order = _ORDERS["best"]
        if narrow or (condition is not None and backend().SORT_NAME_TIERS):
            # SQLite would walk the order index testing each row; a tier of names is better found
            # through its own condition and sorted (an expression is no index order to walk).
            order = [(F("trusted_rank") + 0).desc(), *order[1:]]
        ids += tier.order_by(*order).values_list("id", flat=True)[offset : offset + limit - len(ids)]
        offset = 0
        if len(ids) >= limit:
            break
    return ids


def _rows(ids: list[int]) -> list[Repository]:
    """The repositories of a page, in the order of `ids`, with what a result shows (namespace, platforms).
    The namespace is fetched apart, not joined: joined, PostgreSQL sometimes hashed every namespace for a
    page it expected to be large. The README is never shown in a result."""
    by_id = Repository.objects.order_by().defer(*_UNSHOWN).prefetch_related("namespace", "platforms").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _tier_conditions(
    parsed: ParsedQuery, typo_names: list[str], namespaces: dict[str, list[int]]
) -> list[tuple[Q | None, bool]]:
    """(condition, only names holding the query meet it) of each ranking tier, best first.

    A row belongs to the first tier whose condition it meets; None stands for the rest.
    """
    name = parsed.name
    conditions = [
        (Q(name=name), True),
        (Q(name__startswith=name), True),
        (
            Q(name__contains=f"-{name}")
            | Q(name__contains=f"/{name}")
            | Q(name__contains=f"_{name}")
            | Q(name__contains=f".{name}"),
            True,
        ),
    ]
    if not parsed.namespace:
        conditions.append((_namespace_q(namespaces, name), False))
    conditions.append((Q(name__contains=name), True))
    if typo_names:
        conditions.append((Q(name__in=typo_names), False))
    if parsed.words:
        conditions.append((backend().text_q(parsed.words, strong=True), False))
    conditions.append((None, False))
    return conditions


def _name_tier(parsed: ParsedQuery, typo_names: list[str], repository: Repository) -> int | None:
    """The tier of a repository as far as its names decide it (the same conditions as _tier_conditions)."""
    name, candidate = parsed.name, repository.name
    if not name:
        return None
    if candidate == name:
        return TIER_EXACT
    if candidate.startswith(name):
        return TIER_PREFIX
    if any(f"{separator}{name}" in candidate for separator in "-/_."):
        return TIER_WORD
    if not parsed.namespace and repository.namespace.name == name:
        return TIER_NAMESPACE
    if name in candidate:
        return TIER_SUBSTRING
    if candidate in typo_names:
        return TIER_TYPO
    return None


def _namespace_ids(parsed: ParsedQuery) -> dict[str, list[int]]:
    """The ids of the namespaces a query names, by name, in one read: its namespace part (`bitnami/redis`),
    or else its name, which may be a publisher's (the namespace tier)."""
    name = parsed.namespace or parsed.name
    if not name:
        return {}
    return {name: list(Namespace.objects.filter(name=name).values_list("id", flat=True))}


def _namespace_q(namespaces: dict[str, list[int]], name: str) -> Q:
    """Repositories of the namespace called `name`, by its id: a list of values, unlike a subquery, lets
    PostgreSQL join this condition to the others of an OR in one bitmap of index entries."""
    return Q(namespace_id__in=namespaces.get(name, []))


def _scope_q(parsed: ParsedQuery, namespaces: dict[str, list[int]]) -> Q:
    """The parts of a match that every result meets whatever its tier: the namespace and the tag asked for."""
    conditions = Q()
    if parsed.namespace:
        conditions &= _namespace_q(namespaces, parsed.namespace)
    if parsed.tag:
        conditions &= Q(Exists(Tag.objects.filter(repository=OuterRef("pk"), name=parsed.tag)))
    return conditions


def _matches(
    visible: QuerySet,
    parsed: ParsedQuery,
    typo_names: list[str],
    namespaces: dict[str, list[int]],
    named: RawSQL | None,
) -> QuerySet:
    """The visible repositories that match the query, before filters (all of them for an empty query)."""
    match = _match_q(parsed, typo_names, namespaces, named)
    return visible.filter(match) if match is not None else visible


def _match_q(
    parsed: ParsedQuery, typo_names: list[str], namespaces: dict[str, list[int]], named: RawSQL | None
) -> Q | None:
    if parsed.is_empty:
        return None
    conditions = _scope_q(parsed, namespaces)
    if parsed.name:
        name_or_text = Q(pk__in=named) if named is not None else Q(name__contains=parsed.name)
        if not parsed.namespace:
            name_or_text |= _namespace_q(namespaces, parsed.name)
        if parsed.words:
            name_or_text |= backend().text_q(parsed.words, strong=False)
        if typo_names:
            name_or_text |= Q(name__in=typo_names)
        conditions &= name_or_text
    return conditions


def _typo_names(parsed: ParsedQuery) -> list[str]:
    """Repository names a typo away from the query's name, when no repository has that exact name.

    The database proposes candidates (trigram similarity on PostgreSQL; similar length and a shared
    leading letter on SQLite) and Damerau-Levenshtein distance decides, so `ngnix` finds `nginx`.
    Typos are looked for in name-like queries: a query of several words that the text of some repository
    already holds (`web server`) is answered by its words, and the candidate pass (the costliest query of
    such a search, its name being long and its trigrams common) is skipped.
    """
    name = parsed.name
    budget = typo_budget(name)
    if not budget or parsed.namespace or "/" in name or Repository.objects.filter(name=name).exists():
        return []
    if len(parsed.words) > 1 and Repository.objects.filter(backend().text_q(parsed.words, strong=False)).exists():
        return []
    candidates = backend().typo_candidates(name, budget)
    close = sorted(
        (distance, candidate)
        for candidate in candidates
        if (distance := damerau_levenshtein(candidate, name, budget)) <= budget
    )
    return [candidate for _, candidate in close[:MAX_TYPO_NAMES]]
