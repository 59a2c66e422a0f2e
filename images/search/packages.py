"""What the images of a search result must hold: the `pkg:`, `cve:`, `severity:` ... terms of a query
(images/search/terms.py), as conditions on repositories, and what matched in each result.

A repository matches a term when the platform image of one of its tags does: the manifest a tag points
at, or a child of the index it points at. Which repositories do is read from the derived per-repository rows
(images/models/repository_contents.py: one per distinct package or finding its tags reach), not by joining
the package rows to the tags; what matched in each result is read from the package and finding rows of the
page's images. Versions are compared in Python in each ecosystem's order (images/indexing/versions.py, the
matcher's): the database narrows the rows by name first (index repository_package_search) and only the
distinct versions tags reach are compared, so a common package costs as many comparisons as it has
versions, not images. The exact (type, name, versions) found are then asked for in SQL.

Advisory ids resolve through Vulnerability.osv_id and its aliases (the indexed VulnerabilityAlias rows).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from images.indexing.versions import version_key
from images.models import (
    Finding,
    ManifestReference,
    Package,
    RepositoryFinding,
    RepositoryPackage,
    Tag,
    Vulnerability,
    VulnerabilityAlias,
)
from images.search.terms import TYPE_ORDERING, FindingTerm, PackageTerm, Terms, package_query

MATCHES_SHOWN = 10  # per result: the rest are counted (`more_matches`)


@dataclass(frozen=True)
class ContentMatch:
    """One package (and, for a finding term, the advisory) that made a tag of a result match."""

    tag: str
    digest: str
    type: str
    name: str
    version: str
    advisory: str = ""
    severity: str = ""
    fixed_version: str = ""

    @property
    def image_path(self) -> str:
        """The image page under the repository's URL (templatetags repo_url adds the repository)."""
        return f"tags/{self.tag}/images/{self.digest}"

    @property
    def query(self) -> str:
        """The image page's filter that shows this match (its package list or its finding)."""
        if self.advisory:
            return f"{urlencode({'vuln': self.advisory})}#vulnerabilities"
        return f"{urlencode({'package': self.name, 'type': self.type})}#packages"


@dataclass(frozen=True)
class PackageVersion:
    """A row of the Packages tab: a version of a matching package and how many results hold it."""

    type: str
    name: str
    version: str
    repositories: int

    @property
    def query(self) -> str:
        return package_query(self.type, self.name, self.version)


@dataclass
class ContentFilter:
    """The terms of a query turned into database conditions, once per search."""

    terms: Terms
    # Per `pkg:` term: the Package rows that meet it (over packages annotated with `lname`), and the
    # RepositoryPackage rows, which have the same columns.
    packages: list[Q] = field(default_factory=list)
    # The Finding rows that meet the finding terms, or None when the query has none.
    findings: Q | None = None
    # The RepositoryFinding rows that do.
    held_findings: Q | None = None


def content_filter(terms: Terms) -> ContentFilter | None:
    if not terms.any:
        return None
    found = ContentFilter(terms, packages=[_package_q(term) for term in terms.packages])
    if terms.finding.any:
        found.findings = _finding_q(terms.finding)
        found.held_findings = _finding_q(terms.finding, held=True)
    return found


def repository_q(content: ContentFilter) -> Q:
    """Repositories with a tag whose image meets each term."""
    condition = Q()
    for package_q in content.packages:
        condition &= Q(pk__in=RepositoryPackage.objects.filter(package_q).values("repository_id"))
    if content.held_findings is not None:
        condition &= Q(pk__in=RepositoryFinding.objects.filter(content.held_findings).values("repository_id"))
    return condition


def repository_probe_q(content: ContentFilter) -> Q:
    """The same repositories as repository_q, tested one row at a time: for a page of a broad query, which walks
    the index of its order and stops after a page. Each term is a correlated EXISTS that PostgreSQL must run
    per row (see _Probe): a probe of repository_package_probe or repository_finding_probe, instead of
    gathering every matching repository first."""
    condition = Q()
    for package_q in content.packages:
        condition &= Q(_Probe(RepositoryPackage.objects.filter(package_q, repository_id=OuterRef("pk"))))
    if content.held_findings is not None:
        condition &= Q(_Probe(RepositoryFinding.objects.filter(content.held_findings, repository_id=OuterRef("pk"))))
    return condition


def matches_attach(items, content: ContentFilter | None) -> None:
    """Set `content_matches` (what matched, by tag, at most MATCHES_SHOWN) and `more_matches` on each result.

    The images the page's tags reach are read first (a small query), then the rows of each term in those images
    by image id: a join of a few tables, not of the whole tag path, which cost more to plan than to run."""
    if content is None:
        return
    tags_of, digests = _images_reached([item.pk for item in items])
    # The fields of each ContentMatch, as plain tuples: a page may have thousands, of which only the first
    # MATCHES_SHOWN of each result become objects.
    by_repository: dict[int, set[tuple]] = defaultdict(set)
    found: list[tuple] = []
    # In slices, so that a page of repositories with thousands of tags stays within SQLite's parameter limit.
    all_ids = list(tags_of)
    for start in range(0, len(all_ids), _IDS_PER_QUERY):
        found += _content_rows(content, all_ids[start : start + _IDS_PER_QUERY])
    for manifest_id, *rest in found:
        for repository_id, tag in tags_of[manifest_id]:
            by_repository[repository_id].add((tag, digests[manifest_id], *rest))
    for item in items:
        matches = sorted(by_repository.get(item.pk, ()), key=_match_order)
        item.content_matches = [ContentMatch(*fields) for fields in matches[:MATCHES_SHOWN]]
        item.more_matches = max(0, len(matches) - MATCHES_SHOWN)


def _content_rows(content: ContentFilter, manifest_ids: list[int]) -> list[tuple]:
    """(manifest id, type, name, version[, advisory, severity, fixed in]) of what the terms find in these images."""
    found: list[tuple] = []
    for package_q in content.packages:
        rows = _packages().filter(package_q, manifest_id__in=manifest_ids)
        found += rows.values_list("manifest_id", "type", "name", "version").order_by().distinct()[:_ROWS_READ]
    if content.findings is not None:
        # The advisory ids are read apart: joined, PostgreSQL hashed every advisory for a page's few findings.
        rows = Finding.objects.filter(content.findings, manifest_id__in=manifest_ids).values_list(
            "manifest_id",
            "package__type",
            "package__name",
            "package__version",
            "vulnerability_id",
            "severity",
            "fixed_version",
        )
        findings = list(rows.order_by().distinct()[:_ROWS_READ])
        advisories = dict(Vulnerability.objects.filter(pk__in={row[4] for row in findings}).values_list("id", "osv_id"))
        found += [(*row[:4], advisories[row[4]], *row[5:]) for row in findings]
    return found


def _images_reached(repository_ids: list[int]) -> tuple[dict[int, list[tuple[int, str]]], dict[int, str]]:
    """The platform images the tags of these repositories reach, by manifest id: (repository id, tag name) of
    each tag reaching it, and its digest. A tag reaches its manifest and the children of the index it is on."""
    tags_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    digests: dict[int, str] = {}
    if not repository_ids:
        return tags_of, digests
    direct = Tag.objects.filter(repository_id__in=repository_ids).values_list(
        "repository_id", "name", "manifest_id", "manifest__digest"
    )
    through_index = ManifestReference.objects.filter(parent__tags__repository_id__in=repository_ids).values_list(
        "parent__tags__repository_id", "parent__tags__name", "child_id", "child__digest"
    )
    for rows in (direct, through_index):
        for repository_id, tag, manifest_id, digest in rows.order_by():
            tags_of[manifest_id].append((repository_id, tag))
            digests[manifest_id] = digest
    return tags_of, digests


def package_versions(
    matching: QuerySet, content: ContentFilter | None, *, others: QuerySet | None = None
) -> list[PackageVersion]:
    """The versions of the packages the `pkg:` terms name among the repositories of `matching` (visible ones,
    meeting the whole query), each with how many repositories hold it: by name, newest version first.

    The database counts, over the derived rows (one per repository and version it holds, by any tag), read from
    index repository_package_search alone. `others`: the repositories meeting the query but for its content
    terms; when a single `pkg:` term is all of those, every row counted meets it, and testing it again (a hash
    of every repository holding a common package) is saved."""
    if content is None or not content.packages:
        return []
    if others is not None and len(content.packages) == 1 and content.held_findings is None:
        matching = others
    named = Q(pk__in=[])
    for package_q in content.packages:
        named |= package_q
    counted = (
        RepositoryPackage.objects.filter(named, repository_id__in=matching.order_by().values("pk"))
        .order_by()
        .values_list("type", "name", "version")
        .annotate(repositories=Count("repository_id", distinct=True))
    )
    groups: dict[tuple[str, str], list[PackageVersion]] = defaultdict(list)
    for package_type, name, version, repositories in counted:
        groups[(name.lower(), package_type)].append(PackageVersion(package_type, name, version, repositories))
    rows = []
    for key in sorted(groups):
        rows += _newest_first(groups[key])
    return rows


def _packages() -> QuerySet:
    return Package.objects.annotate(lname=Lower("name"))


def _package_q(term: PackageTerm) -> Q:
    """The Package (and RepositoryPackage) rows that meet `term`: the distinct (type, name, version) that tags
    reach under the names it may mean are read (an index-only scan of repository_package_search) and compared
    here; the ones that qualify become the condition."""
    candidates = RepositoryPackage.objects.filter(lname__in=term.name_variants())
    if term.type:
        candidates = candidates.filter(type=term.type)
    versions: dict[tuple[str, str], set[str]] = defaultdict(set)
    for package_type, lname, version in candidates.order_by().values_list("type", "lname", "version").distinct():
        if term.name_matches(package_type, lname) and term.version_matches(package_type, version):
            versions[(package_type, lname)].add(version)
    condition = Q(pk__in=[])
    for (package_type, lname), found in versions.items():
        qualifies = Q(lname=lname, type=package_type)
        if term.bounds:
            qualifies &= Q(version__in=sorted(found))
        condition |= qualifies
    return condition


def _finding_q(term: FindingTerm, *, held: bool = False) -> Q:
    """The Finding rows that meet `term`, or (`held`) the RepositoryFinding rows."""
    condition = Q()
    if term.advisories:
        condition &= Q(vulnerability_id__in=_vulnerability_ids(term.advisories))
    if term.severities:
        condition &= Q(severity__in=term.severities)
    if term.fixable is not None and held:
        condition &= Q(fixable=term.fixable)
    elif term.fixable is True:
        condition &= ~Q(fixed_version="")
    elif term.fixable is False:
        condition &= Q(fixed_version="")
    return condition


def _vulnerability_ids(advisories: tuple[str, ...]) -> list[int]:
    """The stored records known by these ids: their own id, or one of their aliases (VulnerabilityAlias)."""
    by_alias = VulnerabilityAlias.objects.filter(alias__in=advisories).values("vulnerability_id")
    return list(
        Vulnerability.objects.filter(Q(osv_id__in=advisories) | Q(pk__in=by_alias)).values_list("id", flat=True)
    )


class _Probe(Exists):
    """EXISTS (... OFFSET 0): an OFFSET keeps PostgreSQL from turning the subquery into a hashed set of every
    match, which it prefers whenever it counts on testing every row, not the few a page needs."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


_IDS_PER_QUERY = 5000
_ROWS_READ = 2000  # per term, for one page of results


def _match_order(fields: tuple):
    """By tag, package name, advisory, image (the fields of a ContentMatch; the rest of them break ties)."""
    tag, digest, _, name, _, *finding = fields
    return (tag, name.lower(), finding[0] if finding else "", digest, fields)


def _newest_first(rows: list[PackageVersion]) -> list[PackageVersion]:
    """Versions of one package in its ecosystem's order, newest first; ones it cannot read last, as written."""
    ecosystem = TYPE_ORDERING.get(rows[0].type, rows[0].type)
    readable, unreadable = [], []
    for row in rows:
        try:
            readable.append((version_key(ecosystem, row.version), row))
        except (ValueError, TypeError):
            unreadable.append(row)
    try:
        readable.sort(key=lambda pair: pair[0], reverse=True)
    except TypeError:
        readable.sort(key=lambda pair: pair[1].version, reverse=True)
    return [row for _, row in readable] + sorted(unreadable, key=lambda row: row.version, reverse=True)
