"""repository_search(): the one search behind the catalogue page, the REST API and /v1/search.

Ranking (best match), highest first:
  1. tier: exact name (or namespace/name) > name prefix > a word of the name > the publisher's
     name > a substring of the name > a typo of the name > words in the short description >
     words in the README only;
  2. trusted content: Official Image > Verified Publisher > Sponsored OSS > the rest;
  3. popularity: pulls, then stars.
Facets are disjunctive: the counts of one group apply every selected filter except that group's
own, so choosing "Official Image" still shows how many Verified Publisher results there are.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Expression, RawSQL

from images.models import Category, Namespace, Repository, Tag
from images.models.catalogue import TrustedContent
from images.search.index import facet_values
from images.search.query import ParsedQuery, damerau_levenshtein, parse_query, typo_budget
from images.selectors import repository_visibility_q

SORTS = {
    "best": "Best match",
    "pulls": "Most pulls",
    "stars": "Most stars",
    "updated": "Recently updated",
}
TRUSTED_FILTERS = {
    TrustedContent.OFFICIAL.value: TrustedContent.OFFICIAL.label,
    TrustedContent.VERIFIED.value: TrustedContent.VERIFIED.label,
    TrustedContent.SPONSORED.value: TrustedContent.SPONSORED.label,
}
OS_LABELS = {"linux": "Linux", "windows": "Windows", "freebsd": "FreeBSD", "darwin": "macOS"}
ARCHITECTURE_LABELS = {
    "amd64": "x86-64",
    "arm64": "ARM 64",
    "arm": "ARM",
    "386": "x86",
    "ppc64le": "PowerPC 64 LE",
    "s390x": "IBM Z",
    "riscv64": "RISC-V 64",
    "mips64le": "MIPS 64 LE",
    "loong64": "LoongArch 64",
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


@dataclass(frozen=True)
class SearchFilters:
    trusted: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # category slugs
    os: tuple[str, ...] = ()
    architectures: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.trusted or self.categories or self.os or self.architectures)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


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


# Counting, bounded whatever the query (settings.HUB_SEARCH_COUNT_CAP, default COUNT_CAP): _counts decides.
# A query with at most `cap` matches gets exact totals and facets, from one read of its matching rows (four
# short columns each, see images.search.index). A broader one (no query at a million repositories, a
# common word) is counted up to cap + 1 through a LIMIT subquery: its total is reported as `cap` and marked
# approximate ("1,000+"), and its facets are those of the cap + 1 matches that read found, marked
# approximate too. Those are the first matches in the table's order, not in rank order: the top `cap` in
# rank order cost 0.1-4 s to find at a million repositories (random heap reads, text rechecks), this read
# 3-16 ms (with a cap of 10,000 it took 40-160 ms). Nothing is cached, so no count lags a change.
COUNT_CAP = 1_000


def count_cap() -> int:
    return int(getattr(settings, "HUB_SEARCH_COUNT_CAP", COUNT_CAP))


@dataclass
class _Counts:
    total: int
    trusted: dict[str, int] = field(default_factory=dict)
    categories: dict[int, int] = field(default_factory=dict)
    os: dict[str, int] = field(default_factory=dict)
    architectures: dict[str, int] = field(default_factory=dict)
    # The total is the cap: more results match than were counted.
    total_is_approximate: bool = False
    # The facet counts are over the top `cap` matches only.
    facets_are_approximate: bool = False


def repository_search(
    *,
    user,
    query: str = "",
    filters: SearchFilters | None = None,
    sort: str = "best",
    offset: int = 0,
    limit: int = 25,
    facets: bool = True,
) -> SearchResult:
    """Repositories `user` may see that match `query` and `filters`, one page of them, and facet counts."""
    filters = filters or SearchFilters()
    parsed = parse_query(query)
    sort = sort if sort in SORTS else "best"
    typo_names = _typo_names(parsed)
    namespaces = _namespace_ids(parsed)
    named = _named_ids(parsed)
    category_ids = _category_ids(filters)
    visible = Repository.objects.filter(repository_visibility_q(user=user))
    base = _matches(visible, parsed, typo_names, namespaces, named)
    matching = _filtered(base, filters, category_ids)
    # Every tier but the last implies a match of the name or the text, so tiers need only the
    # namespace and tag parts of the match: fewer conditions to test per row, and an index to use.
    scope = _filtered(visible.filter(_scope_q(parsed, namespaces)), filters, category_ids)
    counts = _counts(base, matching, filters, category_ids, facets=facets)
    narrow = not counts.total_is_approximate
    if named is not None and not narrow:
        # A broad query's page walks an order index and tests rows as it goes: there a name test per row
        # costs less than what SQLite does with the id list (gather every id and every text match, then sort).
        matching = _filtered(_matches(visible, parsed, typo_names, namespaces, None), filters, category_ids)
    items = _page(
        matching,
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
    for item in items:
        item.tier = _name_tier(parsed, typo_names, item)
    typo_matches = bool(typo_names) and any(item.tier == TIER_TYPO for item in items)
    result = SearchResult(
        total=counts.total,
        items=items,
        query=parsed,
        typo_matches=typo_matches,
        total_is_approximate=counts.total_is_approximate,
        facets_are_approximate=counts.facets_are_approximate,
    )
    if facets:
        result.facets = _facet_values(counts, filters)
    return result


# --- the page ---------------------------------------------------------------------------------------

_ORDERS = {
    "best": [F("trusted_rank").desc(), F("pull_count").desc(), F("star_count").desc(), "id"],
    "pulls": [F("pull_count").desc(), F("trusted_rank").desc(), "id"],
    "stars": [F("star_count").desc(), F("pull_count").desc(), "id"],
    "updated": [F("last_pushed_at").desc(nulls_last=True), "id"],
}


# Columns no result shows: not read for a page of results.
_UNSHOWN = ("full_description", "logo")

# The column each numeric order starts with (see _page: narrow).
_SORT_KEYS = {"best": "trusted_rank", "pulls": "pull_count", "stars": "star_count"}


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
    """One page of results in the order of `sort`.

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
            order = [(F(_SORT_KEYS[sort]) + 0).desc(), *order[1:]]
        return _rows(list(matching.order_by(*order).values_list("id", flat=True)[offset : offset + limit]))
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
        if narrow or (condition is not None and connection.vendor == "sqlite"):
            # SQLite would walk the order index testing each row; a tier of names is better found
            # through its own condition and sorted (an expression is no index order to walk).
            order = [(F("trusted_rank") + 0).desc(), *order[1:]]
        ids += tier.order_by(*order).values_list("id", flat=True)[offset : offset + limit - len(ids)]
        offset = 0
        if len(ids) >= limit:
            break
    return _rows(ids)


def _rows(ids: list[int]) -> list[Repository]:
    """The repositories of a page, in the order of `ids`, with what a result shows (namespace, platforms).
    The namespace is fetched apart, not joined: joined, PostgreSQL sometimes hashed every namespace for a
    page it expected to be large. The README is never shown in a result."""
    by_id = Repository.objects.order_by().defer(*_UNSHOWN).prefetch_related("namespace", "platforms").in_bulk(ids)
    return [by_id[pk] for pk in ids]


def _facet_rows(queryset: QuerySet) -> tuple[list[tuple], int]:
    """What facets are counted from (see _count_rows): the distinct combinations of the four facet columns
    among these rows, each with how many rows have it. The database groups them: a few hundred rows to
    read instead of thousands."""
    rows = queryset.values_list("trusted_content", "facet_os", "facet_architectures", "facet_categories")
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:
        return [], 0
    with connection.cursor() as cursor:
        # `sql` is Django's compilation of the queryset, its values are in `params`.
        cursor.execute(f"SELECT t.*, COUNT(*) FROM ({sql}) t GROUP BY 1, 2, 3, 4", params)  # noqa: S608
        grouped = cursor.fetchall()
    return grouped, sum(row[4] for row in grouped)


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
        conditions.append((_text_q(parsed.words, strong=True), False))
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


# --- matching ---------------------------------------------------------------------------------------


def _namespace_ids(parsed: ParsedQuery) -> dict[str, list[int]]:
    """The ids of the namespaces a query names, by name, in one read: its namespace part (`bitnami/redis`),
    or else its name, which may be a publisher's (the namespace tier)."""
    name = parsed.namespace or parsed.name
    if not name:
        return {}
    return {name: list(Namespace.objects.filter(name=name).values_list("id", flat=True))}


def _named_ids(parsed: ParsedQuery) -> RawSQL | None:
    """On SQLite, the ids of the repositories whose name holds the query's name, read once for every query of
    the search that tests it (`id IN (...)` instead of `name LIKE '%...%'`).

    SQLite has no trigram index, but reads names from its covering index on name much faster than from the
    table, and an id list lets it join the name part of a match to the FTS part instead of scanning the
    table. The list is one JSON parameter: as thousands of parameters (a one-letter query matches most
    names) Django took longer to build each query than SQLite to run it. Within one namespace the namespace
    index finds fewer rows than this, and PostgreSQL has its trigram index: None there.
    """
    if connection.vendor != "sqlite" or parsed.namespace or not parsed.name:
        return None
    ids = Repository.objects.filter(name__contains=parsed.name).order_by().values_list("id", flat=True)
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


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
            name_or_text |= _text_q(parsed.words, strong=False)
        if typo_names:
            name_or_text |= Q(name__in=typo_names)
        conditions &= name_or_text
    return conditions


def _text_q(words: tuple[str, ...], *, strong: bool) -> Q:
    """Repositories whose text holds every word as a prefix; `strong`: in the name or short description.

    PostgreSQL tests the row's own tsvector (_TextMatch), wherever Django places the condition: an
    id subquery instead (`id IN (SELECT ...)`) is no semi-join inside an OR, and once its ids outgrow
    work_mem PostgreSQL scans them for every row. `strong` reads the small vector of the name and short
    description (summary_vector, migration 0012), weak the whole text (search_vector, README included).
    SQLite asks its FTS5 table for the ids once.
    """
    if connection.vendor == "postgresql":
        column = "summary_vector" if strong else "search_vector"
        return Q(_TextMatch(column, " & ".join(f"{word}:*" for word in words)))
    expression = " AND ".join(f'"{word}"*' for word in words)
    if strong:
        expression = f"{{name short_description}} : ({expression})"
    return Q(
        id__in=RawSQL("SELECT rowid FROM images_repository_fts WHERE images_repository_fts MATCH %s", [expression])
    )


class _TextMatch(Expression):
    """`<repository>.<column> @@ to_tsquery('simple', tsquery)` on PostgreSQL, under the alias the
    repository table has in the query being compiled (U0 and the like inside subqueries)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, tsquery: str):
        super().__init__()
        self.column, self.tsquery = column, tsquery

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{self.column} @@ to_tsquery('simple', %s)", [self.tsquery]

    def __eq__(self, other):
        return isinstance(other, _TextMatch) and (other.column, other.tsquery) == (self.column, self.tsquery)

    def __hash__(self):
        return hash((type(self), self.column, self.tsquery))


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
    if len(parsed.words) > 1 and Repository.objects.filter(_text_q(parsed.words, strong=False)).exists():
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.2', false)")
            cursor.execute(
                "SELECT name FROM images_repository WHERE name %% %s AND length(name) BETWEEN %s AND %s"
                " GROUP BY name ORDER BY max(similarity(name, %s)) DESC LIMIT 500",
                [name, len(name) - budget, len(name) + budget, name],
            )
        else:
            first, second = name[0], name[1]
            cursor.execute(
                "SELECT DISTINCT name FROM images_repository WHERE length(name) BETWEEN %s AND %s"
                " AND (substr(name, 1, 1) IN (%s, %s) OR substr(name, 2, 1) IN (%s, %s)) LIMIT 5000",
                [len(name) - budget, len(name) + budget, first, second, first, second],
            )
        candidates = [row[0] for row in cursor.fetchall()]
    close = sorted(
        (distance, candidate)
        for candidate in candidates
        if (distance := damerau_levenshtein(candidate, name, budget)) <= budget
    )
    return [candidate for _, candidate in close[:MAX_TYPO_NAMES]]


# --- filters and facets -----------------------------------------------------------------------------


def _category_ids(filters: SearchFilters) -> set[str]:
    """The ids of the categories chosen, as the facet column holds them (" 3 16 ")."""
    slugs = [slug for slug in filters.categories if _holdable(slug)]
    if not slugs:
        return set()
    return {str(i) for i in Category.objects.filter(slug__in=slugs).values_list("id", flat=True)}


def _filtered(queryset: QuerySet, filters: SearchFilters, category_ids: set[str]) -> QuerySet:
    """Apply the filters through the denormalised facet columns of the repository row (see images.search.index):
    a test of the row the text and name conditions already found, never a join or an EXISTS per group."""
    if filters.trusted:
        queryset = queryset.filter(trusted_content__in=filters.trusted)
    if filters.categories:
        queryset = queryset.filter(_facet_q("facet_categories", sorted(category_ids)))
    if filters.os:
        queryset = queryset.filter(_facet_q("facet_os", filters.os))
    if filters.architectures:
        queryset = queryset.filter(_facet_q("facet_architectures", filters.architectures))
    return queryset


def _facet_q(column: str, values) -> Q:
    """Rows whose facet column (" a b c ") holds any of `values`. A value that no facet column can hold matches
    nothing (see _holdable), as no platform or category row would carry it either."""
    condition = Q(pk__in=[])
    for value in values:
        if _holdable(value):
            condition |= Q(**{f"{column}__contains": f" {value} "})
    return condition


def _holdable(value: str) -> bool:
    """Whether a facet column or a category slug can hold `value`: not empty, no space (the columns' separator),
    no control character (PostgreSQL takes no NUL in a parameter at all)."""
    return bool(value) and value.isprintable() and " " not in value


def _counts(
    base: QuerySet, matching: QuerySet, filters: SearchFilters, category_ids: set[str], *, facets: bool
) -> _Counts:
    """The total and the facet counts of a search, bounded by the count cap: the one place that decides.

    `base`: the matches of the query before filters, `matching`: after them. At most cap + 1 rows are read.
    """
    cap = count_cap()
    if not facets:
        total = _count_up_to(matching, cap + 1)
        return _Counts(min(total, cap), total_is_approximate=total > cap)
    rows, n = _facet_rows(base.order_by()[: cap + 1])
    counts = _count_rows(rows, filters, category_ids)
    if n <= cap:
        return counts
    # Broad: the facets stay those of the cap + 1 matches read, the total is counted apart (bounded too).
    total = _count_up_to(matching, cap + 1) if filters.any else n
    counts.total, counts.total_is_approximate, counts.facets_are_approximate = min(total, cap), total > cap, True
    return counts


def _count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows `queryset` has, counting no further than `limit`: COUNT(*) over a LIMIT subquery."""
    return queryset.order_by().values("pk")[:limit].count()


def _count_rows(rows, filters: SearchFilters, wanted_categories: set[str]) -> _Counts:
    """Disjunctive facet counts over the matching rows (grouped, see _facet_rows): each group counts under
    every filter but its own."""
    wanted_os, wanted_architectures = set(filters.os), set(filters.architectures)
    total = 0
    trusted: defaultdict = defaultdict(int)
    categories: defaultdict = defaultdict(int)
    oses: defaultdict = defaultdict(int)
    architectures: defaultdict = defaultdict(int)
    parsed: dict[str, set[str]] = {}  # the same column values recur in many groups: split each once

    def values(column: str) -> set[str]:
        if column not in parsed:
            parsed[column] = facet_values(column)
        return parsed[column]

    for trusted_content, os_column, architecture_column, category_column, n in rows:
        os_values, architecture_values = values(os_column), values(architecture_column)
        category_values = values(category_column)
        in_trusted = not filters.trusted or trusted_content in filters.trusted
        in_categories = not filters.categories or not category_values.isdisjoint(wanted_categories)
        in_os = not filters.os or not os_values.isdisjoint(wanted_os)
        in_architectures = not filters.architectures or not architecture_values.isdisjoint(wanted_architectures)
        if in_categories and in_os and in_architectures:
            if trusted_content in TRUSTED_FILTERS:
                trusted[trusted_content] += n
            if in_trusted:
                total += n
        if in_trusted and in_os and in_architectures:
            for value in category_values:
                categories[int(value)] += n
        if in_trusted and in_categories and in_architectures:
            for value in os_values:
                oses[value] += n
        if in_trusted and in_categories and in_os:
            for value in architecture_values:
                architectures[value] += n
    return _Counts(total, dict(trusted), dict(categories), dict(oses), dict(architectures))


def _facet_values(counts: _Counts, filters: SearchFilters) -> dict[str, list[FacetValue]]:
    return {
        "trusted": [
            FacetValue(value, label, counts.trusted.get(value, 0), value in filters.trusted)
            for value, label in TRUSTED_FILTERS.items()
        ],
        "categories": sorted(
            (
                FacetValue(c.slug, c.name, counts.categories.get(c.id, 0), c.slug in filters.categories)
                for c in Category.objects.all()
                if counts.categories.get(c.id) or c.slug in filters.categories
            ),
            key=lambda f: (-f.count, f.label),
        ),
        "os": _value_facet(counts.os, filters.os, OS_LABELS),
        "architectures": _value_facet(counts.architectures, filters.architectures, ARCHITECTURE_LABELS),
    }


def _value_facet(counts: dict[str, int], selected: tuple[str, ...], labels: dict[str, str]) -> list[FacetValue]:
    values = set(counts) | set(selected)
    return sorted(
        (FacetValue(v, labels.get(v, v), counts.get(v, 0), v in selected) for v in values if v),
        key=lambda f: (-f.count, f.label),
    )
