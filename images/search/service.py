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

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from images.models import Category, Repository, RepositoryPlatform, Tag
from images.models.catalogue import TrustedContent
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
    # True when some results are there only because their name is a typo away from the query.
    typo_matches: bool = False


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
    base = Repository.objects.filter(repository_visibility_q(user=user))
    match = _match_q(parsed, typo_names)
    if match is not None:
        base = base.filter(match)

    matching = _filtered(base, filters)
    total = matching.count()
    ranked = matching.annotate(trusted_rank=_trusted_rank())
    if parsed.is_empty:
        tier_order = []
    else:
        ranked = ranked.annotate(tier=_tier(parsed, typo_names))
        tier_order = [F("tier").desc()]
    order = {
        "best": [*tier_order, F("trusted_rank").desc(), F("pull_count").desc(), F("star_count").desc()],
        "pulls": [F("pull_count").desc(), F("trusted_rank").desc()],
        "stars": [F("star_count").desc(), F("pull_count").desc()],
        "updated": [F("last_pushed_at").desc(nulls_last=True)],
    }[sort]
    offset = max(0, offset)
    items = list(
        ranked.select_related("namespace")
        .prefetch_related("platforms", "categories")
        .order_by(*order, "id")[offset : offset + limit]
    )
    typo_matches = bool(typo_names) and any(
        getattr(item, "tier", None) == TIER_TYPO for item in items[: max(1, len(items))]
    )
    result = SearchResult(total=total, items=items, query=parsed, typo_matches=typo_matches)
    if facets:
        result.facets = _facets(base, filters)
    return result


# --- matching ---------------------------------------------------------------------------------------


def _match_q(parsed: ParsedQuery, typo_names: list[str]) -> Q | None:
    if parsed.is_empty:
        return None
    conditions = Q()
    if parsed.namespace:
        conditions &= Q(namespace__name=parsed.namespace)
    if parsed.tag:
        conditions &= Q(Exists(Tag.objects.filter(repository=OuterRef("pk"), name=parsed.tag)))
    if parsed.name:
        name_or_text = Q(name__contains=parsed.name)
        if not parsed.namespace:
            name_or_text |= Q(namespace__name=parsed.name)
        if parsed.words:
            name_or_text |= Q(id__in=_text_ids(parsed.words, strong=False))
        if typo_names:
            name_or_text |= Q(name__in=typo_names)
        conditions &= name_or_text
    return conditions


def _tier(parsed: ParsedQuery, typo_names: list[str]) -> Case:
    name = parsed.name
    if not name:
        return Value(TIER_EXACT, output_field=IntegerField())
    whens = [
        When(name=name, then=Value(TIER_EXACT)),
        When(name__startswith=name, then=Value(TIER_PREFIX)),
        When(
            Q(name__contains=f"-{name}")
            | Q(name__contains=f"/{name}")
            | Q(name__contains=f"_{name}")
            | Q(name__contains=f".{name}"),
            then=Value(TIER_WORD),
        ),
    ]
    if not parsed.namespace:
        whens.append(When(namespace__name=name, then=Value(TIER_NAMESPACE)))
    whens.append(When(name__contains=name, then=Value(TIER_SUBSTRING)))
    if typo_names:
        whens.append(When(name__in=typo_names, then=Value(TIER_TYPO)))
    if parsed.words:
        whens.append(When(id__in=_text_ids(parsed.words, strong=True), then=Value(TIER_SUMMARY)))
    return Case(*whens, default=Value(TIER_README), output_field=IntegerField())


def _trusted_rank() -> Case:
    return Case(
        When(trusted_content=TrustedContent.OFFICIAL, then=Value(3)),
        When(trusted_content=TrustedContent.VERIFIED, then=Value(2)),
        When(trusted_content=TrustedContent.SPONSORED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _text_ids(words: tuple[str, ...], *, strong: bool) -> RawSQL:
    """Ids of repositories whose text holds every word as a prefix; `strong`: in the name or short description.

    A self-contained subquery, so it stays correct wherever Django places it (aliases are not shared).
    """
    if connection.vendor == "postgresql":
        weights = "AB" if strong else ""
        tsquery = " & ".join(f"{word}:*{weights}" for word in words)
        return RawSQL("SELECT id FROM images_repository WHERE search_vector @@ to_tsquery('simple', %s)", [tsquery])
    expression = " AND ".join(f'"{word}"*' for word in words)
    if strong:
        expression = f"{{name short_description}} : ({expression})"
    return RawSQL("SELECT rowid FROM images_repository_fts WHERE images_repository_fts MATCH %s", [expression])


def _typo_names(parsed: ParsedQuery) -> list[str]:
    """Repository names a typo away from the query's name, when no repository has that exact name.

    The database proposes candidates (trigram similarity on PostgreSQL; similar length and a shared
    leading letter on SQLite) and Damerau-Levenshtein distance decides, so `ngnix` finds `nginx`.
    """
    name = parsed.name
    budget = typo_budget(name)
    if not budget or parsed.namespace or "/" in name or Repository.objects.filter(name=name).exists():
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


def _filtered(queryset: QuerySet, filters: SearchFilters, *, skip: str = "") -> QuerySet:
    if filters.trusted and skip != "trusted":
        queryset = queryset.filter(trusted_content__in=filters.trusted)
    if filters.categories and skip != "categories":
        through = Repository.categories.through
        queryset = queryset.filter(
            Exists(through.objects.filter(repository_id=OuterRef("pk"), category__slug__in=filters.categories))
        )
    if filters.os and skip != "os":
        queryset = queryset.filter(
            Exists(RepositoryPlatform.objects.filter(repository_id=OuterRef("pk"), os__in=filters.os))
        )
    if filters.architectures and skip != "architectures":
        queryset = queryset.filter(
            Exists(
                RepositoryPlatform.objects.filter(repository_id=OuterRef("pk"), architecture__in=filters.architectures)
            )
        )
    return queryset


def _facets(base: QuerySet, filters: SearchFilters) -> dict[str, list[FacetValue]]:
    def ids(skip: str) -> QuerySet:
        return _filtered(base, filters, skip=skip).values("id")

    trusted_counts = dict(
        _filtered(base, filters, skip="trusted")
        .filter(trusted_content__in=list(TRUSTED_FILTERS))
        .values_list("trusted_content")
        .annotate(n=Count("id"))
        .order_by()
    )
    through = Repository.categories.through
    category_counts = dict(
        through.objects.filter(repository_id__in=ids("categories"))
        .values_list("category_id")
        .annotate(n=Count("repository_id"))
        .order_by()
    )
    os_counts = dict(
        RepositoryPlatform.objects.filter(repository_id__in=ids("os"))
        .values_list("os")
        .annotate(n=Count("repository_id", distinct=True))
        .order_by()
    )
    architecture_counts = dict(
        RepositoryPlatform.objects.filter(repository_id__in=ids("architectures"))
        .values_list("architecture")
        .annotate(n=Count("repository_id", distinct=True))
        .order_by()
    )
    categories = list(Category.objects.all())
    return {
        "trusted": [
            FacetValue(value, label, trusted_counts.get(value, 0), value in filters.trusted)
            for value, label in TRUSTED_FILTERS.items()
        ],
        "categories": sorted(
            (
                FacetValue(c.slug, c.name, category_counts.get(c.id, 0), c.slug in filters.categories)
                for c in categories
                if category_counts.get(c.id) or c.slug in filters.categories
            ),
            key=lambda f: (-f.count, f.label),
        ),
        "os": _value_facet(os_counts, filters.os, OS_LABELS),
        "architectures": _value_facet(architecture_counts, filters.architectures, ARCHITECTURE_LABELS),
    }


def _value_facet(counts: dict[str, int], selected: tuple[str, ...], labels: dict[str, str]) -> list[FacetValue]:
    values = set(counts) | set(selected)
    return sorted(
        (FacetValue(v, labels.get(v, v), counts.get(v, 0), v in selected) for v in values if v),
        key=lambda f: (-f.count, f.label),
    )
