"""Reads for pages, the API and templates. Private repositories are filtered here, once.

Every selector returns plain objects or evaluated lists with everything the template needs already
fetched (select_related / prefetch_related), so rendering a page runs no query.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from images.models import (
    Category,
    Finding,
    Layer,
    Manifest,
    ManifestReference,
    Namespace,
    Package,
    Repository,
    Star,
    Tag,
)
from images.models.catalogue import TrustedContent
from images.models.security import Severity
from images.services.permissions import repository_readable_filter
from images.services.tags import byte_order

OFFICIAL_NAMESPACE = "library"
SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.UNKNOWN]


# --- visibility -------------------------------------------------------------------------------------


def repository_visibility_q(*, user) -> Q:
    """Who sees what: images.services.permissions decides, for every list, page and search."""
    return repository_readable_filter(user)


def repository_list_visible(*, user) -> QuerySet[Repository]:
    """Repositories `user` may see, most recently pushed first."""
    return (
        Repository.objects.filter(repository_visibility_q(user=user))
        .select_related("namespace")
        .order_by(F("last_pushed_at").desc(nulls_last=True), "namespace__name", "name")
    )


def repository_get(*, user, namespace: str, name: str) -> Repository | None:
    return (
        Repository.objects.filter(repository_visibility_q(user=user), namespace__name=namespace, name=name)
        .select_related("namespace")
        .prefetch_related("categories", "platforms")
        .first()
    )


def repository_is_starred(*, user, repository: Repository) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Star.objects.filter(user=user, repository=repository).exists()


# --- home -------------------------------------------------------------------------------------------


@dataclass
class HomeSections:
    official: list[Repository]
    verified: list[Repository]
    sponsored: list[Repository]
    recent: list[Repository]
    popular: list[Repository]
    categories: list[tuple[Category, int]]

    @property
    def empty(self) -> bool:
        return not self.popular  # every visible repository is a candidate for "most pulled"


def home_sections(*, user, size: int = 6) -> HomeSections:
    visible = Repository.objects.filter(repository_visibility_q(user=user)).select_related("namespace")

    def trusted(kind: str) -> list[Repository]:
        return list(visible.filter(trusted_content=kind).order_by("-pull_count", "id")[:size])

    through = Repository.categories.through
    counts = dict(
        through.objects.filter(
            repository_id__in=Repository.objects.filter(repository_visibility_q(user=user)).values("id")
        )
        .values_list("category_id")
        .annotate(n=Count("repository_id"))
        .order_by()
    )
    return HomeSections(
        official=trusted(TrustedContent.OFFICIAL),
        verified=trusted(TrustedContent.VERIFIED),
        sponsored=trusted(TrustedContent.SPONSORED),
        recent=list(visible.filter(last_pushed_at__isnull=False).order_by("-last_pushed_at", "id")[: size * 2]),
        popular=list(visible.order_by("-pull_count", "id")[: size * 2]),
        categories=[(c, counts.get(c.id, 0)) for c in Category.objects.all()],
    )


# --- publisher --------------------------------------------------------------------------------------


def namespace_get(*, name: str) -> Namespace | None:
    return Namespace.objects.filter(name=name).select_related("user").first()


def namespace_badges(namespace: Namespace) -> dict[str, bool]:
    now = timezone.now()
    return {
        "official": namespace.name == OFFICIAL_NAMESPACE,
        "verified": bool(namespace.verified_until and namespace.verified_until > now),
        "sponsored": bool(namespace.sponsored_until and namespace.sponsored_until > now),
    }


def namespace_repository_list(*, user, namespace: Namespace) -> QuerySet[Repository]:
    return (
        Repository.objects.filter(repository_visibility_q(user=user), namespace=namespace)
        .select_related("namespace")
        .prefetch_related("platforms")
        .order_by("-pull_count", "name")
    )


# --- tags -------------------------------------------------------------------------------------------

_NATURAL_RE = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """Sort key for version-like names: `1.9` < `1.10` < `1.10.1`, digits before letters in each run."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _NATURAL_RE.split(text) if part)


TAG_SORTS = {
    "version": "Version",
    "-version": "Version, highest first",
    "newest": "Recently pushed",
    "name": "Name",
}


@dataclass
class TagPlatform:
    os: str
    architecture: str
    variant: str
    digest: str
    compressed_size: int | None
    index_status: str

    @property
    def label(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


@dataclass
class TagRow:
    tag: Tag
    manifest: Manifest
    platforms: list[TagPlatform] = field(default_factory=list)


@dataclass
class TagPage:
    rows: list[TagRow]
    total: int  # tags matching the filter
    count: int  # all tags of the repository


def tag_page(*, repository: Repository, name_filter: str = "", sort: str = "version", offset: int = 0, limit: int = 50):
    """One page of a repository's tags with the platforms of each.

    Every order is an index of Tag (version: `sort_key`, the natural version order as a string;
    newest: pushed_at) that also holds the id, so the page's ids are read from the index alone, however
    deep the page (skipping 7,000 tags joined to their manifests cost 15 ms), and only those tags are
    then read with their manifests and platforms.
    """
    tags = Tag.objects.filter(repository=repository)
    count = tags.count()
    total = count
    if name_filter:
        tags = tags.filter(name__icontains=name_filter)
        total = tags.count()
    order = {
        "newest": ["-pushed_at", "-id"],
        "name": [byte_order("name"), "id"],
        "version": ["sort_key", "id"],
        # As Python's reverse=True sort: the highest version first, equal keys keep their order.
        "-version": ["-sort_key", "id"],
    }[sort if sort in TAG_SORTS else "version"]
    ids = list(tags.order_by(*order).values_list("id", flat=True)[offset : offset + limit])
    by_id = _with_platforms(Tag.objects.all()).in_bulk(ids)
    page = [by_id[pk] for pk in ids]
    rows = [TagRow(tag=tag, manifest=tag.manifest, platforms=_platforms(tag.manifest)) for tag in page]
    return TagPage(rows=rows, total=total, count=count)


# Manifest columns a tag row never shows: the stored bytes and the indexer's bookkeeping.
_MANIFEST_UNSHOWN = ("content", "index_error", "index_progress")


def _with_platforms(tags):
    """Tags with their manifest and, for an index, its children in order: what _platforms() reads."""
    return (
        tags.select_related("manifest")
        .defer(*(f"manifest__{name}" for name in _MANIFEST_UNSHOWN))
        .prefetch_related(
            Prefetch(
                "manifest__child_links",
                queryset=ManifestReference.objects.select_related("child")
                .defer(*(f"child__{name}" for name in _MANIFEST_UNSHOWN))
                .order_by("position"),
            )
        )
    )


def _platforms(manifest: Manifest) -> list[TagPlatform]:
    if manifest.is_index:
        return [
            TagPlatform(
                os=link.os or link.child.os,
                architecture=link.architecture or link.child.architecture,
                variant=link.variant or link.child.variant,
                digest=link.child.digest,
                compressed_size=link.child.compressed_size,
                index_status=link.child.index_status,
            )
            for link in manifest.child_links.all()
            if (link.architecture or link.child.architecture) not in ("", "unknown")
        ]
    return [
        TagPlatform(
            os=manifest.os,
            architecture=manifest.architecture,
            variant=manifest.variant,
            digest=manifest.digest,
            compressed_size=manifest.compressed_size,
            index_status=manifest.index_status,
        )
    ]


def tag_get(*, repository: Repository, name: str) -> TagRow | None:
    tag = _with_platforms(Tag.objects.filter(repository=repository, name=name)).first()
    if tag is None:
        return None
    return TagRow(tag=tag, manifest=tag.manifest, platforms=_platforms(tag.manifest))


def tag_platform_default(row: TagRow) -> TagPlatform | None:
    """The platform an image link opens first: linux/amd64 when there is one, as `docker pull` would pick."""
    for platform in row.platforms:
        if platform.os == "linux" and platform.architecture == "amd64":
            return platform
    return row.platforms[0] if row.platforms else None


# --- image (one platform of a tag) ------------------------------------------------------------------


@dataclass
class LayerRow:
    layer: Layer
    share: float  # of the largest layer, 0..100, for the size bar


@dataclass
class ImageDetail:
    manifest: Manifest
    layers: list[LayerRow]
    layer_count: int  # layers with content (not empty history steps)
    package_count: int
    severity_counts: list[tuple[str, str, int]]  # (value, label, count) in severity order
    finding_count: int
    fixable_count: int

    @property
    def indexing(self) -> bool:
        return self.manifest.index_status in ("pending", "queued", "indexing")


def image_manifest_get(*, repository: Repository, digest: str) -> Manifest | None:
    return Manifest.objects.filter(repository=repository, digest=digest, is_index=False).first()


def image_detail(*, manifest: Manifest) -> ImageDetail:
    layers = list(manifest.layers.all())
    largest = max((layer.size for layer in layers), default=0) or 1
    severity = dict(manifest.findings.values_list("severity").annotate(n=Count("id")).order_by())
    fixable = manifest.findings.exclude(fixed_version="").count()
    return ImageDetail(
        manifest=manifest,
        layers=[LayerRow(layer=layer, share=round(100 * layer.size / largest, 1)) for layer in layers],
        layer_count=sum(1 for layer in layers if not layer.empty_layer),
        package_count=manifest.packages.count(),
        severity_counts=[(s.value, s.label, severity.get(s.value, 0)) for s in SEVERITY_ORDER],
        finding_count=sum(severity.values()),
        fixable_count=fixable,
    )


def image_total_size(manifest: Manifest) -> int:
    if manifest.compressed_size is not None:
        return manifest.compressed_size
    return manifest.layers.aggregate(total=Sum("size"))["total"] or 0


def package_list(*, manifest: Manifest, name_filter: str = "", type_filter: str = "") -> QuerySet[Package]:
    packages = Package.objects.filter(manifest=manifest).select_related("layer")
    if name_filter:
        packages = packages.filter(name__icontains=name_filter)
    if type_filter:
        packages = packages.filter(type=type_filter)
    return packages.order_by("type", "name", "version", "id")


def package_types(*, manifest: Manifest) -> list[str]:
    return list(Package.objects.filter(manifest=manifest).order_by("type").values_list("type", flat=True).distinct())


def finding_list(*, manifest: Manifest, fixable_only: bool = False, severity: str = "", search: str = ""):
    rank = {s.value: i for i, s in enumerate(SEVERITY_ORDER)}
    findings = Finding.objects.filter(manifest=manifest).select_related("vulnerability", "package")
    if fixable_only:
        findings = findings.exclude(fixed_version="")
    if severity:
        findings = findings.filter(severity=severity)
    if search:
        findings = findings.filter(Q(vulnerability__osv_id__icontains=search) | Q(package__name__icontains=search))
    rows = list(findings.order_by("vulnerability__osv_id", "id"))
    rows.sort(key=lambda f: (rank.get(f.severity, len(rank)), -(f.vulnerability.cvss_score or 0)))
    return rows
