"""Filters and facets of search: what a search may be narrowed by, and the counts beside its results.

Facets are disjunctive: the counts of one group apply every selected filter except that group's
own, so choosing "Official Image" still shows how many Verified Publisher results there are. They
are read from the denormalised facet columns of the repository row (images/search/index.py).

Posture filters (no critical or high, no fixable critical/high, scanned lately, has an SBOM) test the posture
columns of the row (images/services/posture.py: the latest tag's findings). Each is a group of its own: chosen
together they all apply, and each one's count is of the results that also meet it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone

from images.models import Category
from images.models.catalogue import TrustedContent
from images.services.search_index import facet_values as column_values

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


# Posture filters, by the value a URL carries. "Signed" joins them once signatures exist: a column the
# signature service keeps on the repository row, a label here and its condition in _posture_conditions.
POSTURE_FILTERS = {
    "no_critical_high": "No critical or high",
    "no_fixable": "No fixable critical/high",
    "recently_scanned": "Scanned in the last 7 days",
    "sbom": "Has SBOM",
}
POSTURE_KEYS = list(POSTURE_FILTERS)
RECENT_SCAN = timedelta(days=7)


@dataclass(frozen=True)
class SearchFilters:
    trusted: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # category slugs
    os: tuple[str, ...] = ()
    architectures: tuple[str, ...] = ()
    posture: tuple[str, ...] = ()  # keys of POSTURE_FILTERS
    bases: tuple[str, ...] = ()  # base repositories, "namespace/name" (images/search/bases.py applies them)

    @property
    def any(self) -> bool:
        return bool(self.trusted or self.categories or self.os or self.architectures or self.posture or self.bases)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


# Counting, bounded whatever the query (settings.HUB_SEARCH_COUNT_CAP, default COUNT_CAP): search_counts decides.
# A query with at most `cap` matches gets exact totals and facets, from one read of its matching rows (four
# short columns each, see images.services.search_index). A broader one (no query at a million repositories, a
# common word) is counted up to cap + 1 through a LIMIT subquery: its total is reported as `cap` and marked
# approximate ("1,000+"), and its facets are those of the cap + 1 matches that read found, marked
# approximate too. Those are the first matches in the table's order, not in rank order: the top `cap` in
# rank order cost 0.1-4 s to find at a million repositories (random heap reads, text rechecks), this read
# 3-16 ms (with a cap of 10,000 it took 40-160 ms). Nothing is cached, so no count lags a change.
COUNT_CAP = 1_000


def count_cap() -> int:
    return int(getattr(settings, "HUB_SEARCH_COUNT_CAP", COUNT_CAP))


@dataclass
class Counts:
    total: int
    trusted: dict[str, int] = field(default_factory=dict)
    categories: dict[int, int] = field(default_factory=dict)
    os: dict[str, int] = field(default_factory=dict)
    architectures: dict[str, int] = field(default_factory=dict)
    posture: dict[str, int] = field(default_factory=dict)
    # The total is the cap: more results match than were counted.
    total_is_approximate: bool = False
    # The facet counts are over the top `cap` matches only.
    facets_are_approximate: bool = False


def category_ids(filters: SearchFilters) -> set[str]:
    """The ids of the categories chosen, as the facet column holds them (" 3 16 ")."""
    slugs = [slug for slug in filters.categories if _holdable(slug)]
    if not slugs:
        return set()
    return {str(i) for i in Category.objects.filter(slug__in=slugs).values_list("id", flat=True)}


def filtered(queryset: QuerySet, filters: SearchFilters, category_ids: set[str]) -> QuerySet:
    """Apply the filters through the denormalised facet columns of the repository row (see
    images.services.search_index): a test of the row the text and name conditions already found,
    never a join or an EXISTS per group."""
    if filters.trusted:
        queryset = queryset.filter(trusted_content__in=filters.trusted)
    if filters.categories:
        queryset = queryset.filter(_facet_q("facet_categories", sorted(category_ids)))
    if filters.os:
        queryset = queryset.filter(_facet_q("facet_os", filters.os))
    if filters.architectures:
        queryset = queryset.filter(_facet_q("facet_architectures", filters.architectures))
    conditions = _posture_conditions()
    for value in filters.posture:
        if value in conditions:
            queryset = queryset.filter(conditions[value])
    return queryset


def _posture_conditions() -> dict[str, Q]:
    """What each posture filter asks of a repository row. Not scanned (NULL counts) meets none of the first two:
    an image nobody scanned is not known to be clean."""
    return {
        "no_critical_high": Q(vulns_critical=0, vulns_high=0),
        "no_fixable": Q(vulns_fixable=0),
        "recently_scanned": Q(last_scanned_at__gte=timezone.now() - RECENT_SCAN),
        "sbom": Q(has_sbom=True),
    }


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


def search_counts(
    base: QuerySet, matching: QuerySet, filters: SearchFilters, category_ids: set[str], *, facets: bool
) -> Counts:
    """The total and the facet counts of a search, bounded by the count cap: the one place that decides.

    `base`: the matches of the query before filters, `matching`: after them. At most cap + 1 rows are read.
    """
    cap = count_cap()
    if not facets:
        total = _count_up_to(matching, cap + 1)
        return Counts(min(total, cap), total_is_approximate=total > cap)
    rows, n = _facet_rows(base.order_by()[: cap + 1], filters)
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


_FACET_COLUMNS = ("trusted_content", "facet_os", "facet_architectures", "facet_categories")


def _facet_rows(queryset: QuerySet, filters: SearchFilters) -> tuple[list[tuple], int]:
    """What facets are counted from (see _count_rows): the distinct combinations of the four facet columns
    among these rows, each with how many rows have it and how many of those pass each posture test. The
    database groups them: a few hundred rows to read instead of thousands. The posture tests that are chosen
    as filters group the rows too (the other groups count only rows that pass them); the others are only
    summed, so an unfiltered search has no more groups than without posture."""
    conditions = _posture_conditions()
    keys = [value for value in POSTURE_KEYS if value in conditions]
    chosen = [value for value in keys if value in filters.posture]
    tests = {f"posture_{value}": Case(When(conditions[value], then=1), default=0) for value in keys}
    rows = queryset.annotate(**tests).values_list(*_FACET_COLUMNS, *tests)
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:
        return [], 0
    grouped_by = [*_FACET_COLUMNS, *(f"posture_{value}" for value in chosen)]
    sums = "".join(f", SUM(posture_{value})" for value in keys)
    columns = ", ".join(grouped_by)
    with connection.cursor() as cursor:
        # `sql` is Django's compilation of the queryset, its values are in `params`; the names are ours.
        cursor.execute(f"SELECT {columns}, COUNT(*){sums} FROM ({sql}) t GROUP BY {columns}", params)  # noqa: S608
        grouped = cursor.fetchall()
    return grouped, sum(row[len(grouped_by)] for row in grouped)


def _count_rows(rows, filters: SearchFilters, wanted_categories: set[str]) -> Counts:
    """Disjunctive facet counts over the matching rows (grouped, see _facet_rows): each group counts under
    every filter but its own."""
    wanted_os, wanted_architectures = set(filters.os), set(filters.architectures)
    total = 0
    trusted: defaultdict = defaultdict(int)
    categories: defaultdict = defaultdict(int)
    oses: defaultdict = defaultdict(int)
    architectures: defaultdict = defaultdict(int)
    posture: defaultdict = defaultdict(int)
    chosen = sum(value in filters.posture for value in POSTURE_KEYS)  # the posture tests rows are grouped by
    parsed: dict[str, set[str]] = {}  # the same column values recur in many groups: split each once

    def values(column: str) -> set[str]:
        if column not in parsed:
            parsed[column] = column_values(column)
        return parsed[column]

    for trusted_content, os_column, architecture_column, category_column, *rest in rows:
        passed, n, passing = rest[:chosen], rest[chosen], rest[chosen + 1 :]
        os_values, architecture_values = values(os_column), values(architecture_column)
        category_values = values(category_column)
        in_trusted = not filters.trusted or trusted_content in filters.trusted
        in_categories = not filters.categories or not category_values.isdisjoint(wanted_categories)
        in_os = not filters.os or not os_values.isdisjoint(wanted_os)
        in_architectures = not filters.architectures or not architecture_values.isdisjoint(wanted_architectures)
        # Each posture filter is a group of one value: a row that has it meets it, so its count (every
        # filter but its own) is of the rows that meet every filter and pass its test.
        in_posture = all(passed)
        if in_categories and in_os and in_architectures and in_posture:
            if trusted_content in TRUSTED_FILTERS:
                trusted[trusted_content] += n
            if in_trusted:
                total += n
                for value, count in zip(POSTURE_KEYS, passing, strict=True):
                    posture[value] += count or 0
        if in_trusted and in_os and in_architectures and in_posture:
            for value in category_values:
                categories[int(value)] += n
        if in_trusted and in_categories and in_architectures and in_posture:
            for value in os_values:
                oses[value] += n
        if in_trusted and in_categories and in_os and in_posture:
            for value in architecture_values:
                architectures[value] += n
    return Counts(total, dict(trusted), dict(categories), dict(oses), dict(architectures), dict(posture))


def facet_values(counts: Counts, filters: SearchFilters) -> dict[str, list[FacetValue]]:
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
        "posture": [
            FacetValue(value, label, counts.posture.get(value, 0), value in filters.posture)
            for value, label in POSTURE_FILTERS.items()
        ],
    }


def _value_facet(counts: dict[str, int], selected: tuple[str, ...], labels: dict[str, str]) -> list[FacetValue]:
    values = set(counts) | set(selected)
    return sorted(
        (FacetValue(v, labels.get(v, v), counts.get(v, 0), v in selected) for v in values if v),
        key=lambda f: (-f.count, f.label),
    )
