"""Reads for comparing two platform images (the compare page and API): each side's reference
resolved within what the viewer may read, its facts read in a few queries, and the pure diff
(``images/indexing/diff.py``) run over them.

A reference is written, relative to the repository the page or endpoint is under:

- ``1.0`` - a tag of that repository;
- ``sha256:<hex>`` (or ``@sha256:<hex>``) - a manifest of that repository by digest;
- ``<namespace>/<name>:<tag>``, ``<namespace>/<name>@sha256:<hex>`` - a tag or digest of any other
  repository (official images are ``library/<name>``); ``<namespace>/<name>`` alone is its ``latest``.

An index (multi-platform) is compared on one platform: the one asked for (``linux/arm64/v8``),
otherwise linux/amd64, otherwise its first.
"""

import re
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from images.documents import DocumentError, load_json_object
from images.indexing.diff import (
    FindingFact,
    ImageDiff,
    ImageFacts,
    LayerFact,
    PackageFact,
    config_summary,
    image_diff,
)
from images.models import Finding, Layer, Manifest, ManifestBlob, Package, Repository, Tag
from images.selectors.repositories import repository_get
from images.storage import blob_storage

DIGEST_RE = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}$")
TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")
PLATFORM_RE = re.compile(r"^[a-z0-9._-]{1,64}/[a-z0-9._-]{1,64}(?:/[a-z0-9._-]{1,64})?$")
MAX_CONFIG_BYTES = 8 << 20


class RefError(Exception):
    """A reference that names nothing the viewer may read (404) or is not a reference at all (400)."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class ParsedRef:
    namespace: str  # "" for the repository the comparison is under
    name: str
    tag: str
    digest: str


def ref_parse(ref: str) -> ParsedRef:
    """A reference as the module docstring writes it; RefError(400) when it is none."""
    ref = ref.strip()
    if not ref or len(ref) > 600:
        raise RefError("an image reference is a tag, a digest, or <namespace>/<name>:<tag> or @<digest>", 400)
    namespace = name = tag = digest = ""
    if "/" in ref:
        repository, at, digest = ref.partition("@")
        if not at:
            head, colon, tail = repository.rpartition(":")
            repository, tag = (head, tail) if colon and "/" not in tail else (repository, "latest")
        namespace, _, name = repository.partition("/")
        if not namespace or not name:
            raise RefError(f"{ref[:200]!r} is not <namespace>/<name>:<tag> or <namespace>/<name>@<digest>", 400)
    elif ":" in ref:
        digest = ref.removeprefix("@")
    else:
        tag = ref
    if digest and not DIGEST_RE.match(digest):
        raise RefError(f"{digest[:200]!r} is not a digest (sha256:<hex>)", 400)
    if tag and not TAG_RE.match(tag):
        raise RefError(f"{tag[:200]!r} is not a tag name", 400)
    return ParsedRef(namespace, name, tag, digest)


@dataclass
class ResolvedImage:
    repository: Repository
    manifest: Manifest  # a platform image, never an index
    tag: str  # the tag it was named by, "" for a digest
    index_digest: str  # the index it was picked from, "" when named directly
    platforms: list[str]  # the index's platforms, to pick another

    @property
    def platform(self) -> str:
        m = self.manifest
        return "/".join(p for p in (m.os, m.architecture, m.variant) if p)

    @property
    def reference(self) -> str:
        """How to write this image in a reference (always repository-qualified)."""
        base = f"{self.repository.namespace.name}/{self.repository.name}"
        return f"{base}:{self.tag}" if self.tag else f"{base}@{self.index_digest or self.manifest.digest}"


def _label(link) -> str:
    return "/".join(p for p in (link.os or link.child.os, link.architecture or link.child.architecture,
                                link.variant or link.child.variant) if p)  # fmt: skip


def image_resolve(*, user, repository: Repository, ref: str, platform: str = "") -> ResolvedImage:
    """The platform image `ref` names (see the module docstring), read as `user`; RefError otherwise."""
    parsed = ref_parse(ref)
    if platform and not PLATFORM_RE.match(platform):
        raise RefError(f"{platform[:100]!r} is not a platform (os/architecture[/variant], e.g. linux/amd64)", 400)
    if parsed.namespace:
        target = repository_get(user=user, namespace=parsed.namespace, name=parsed.name)
        if target is None:
            raise RefError(f"repository {parsed.namespace}/{parsed.name} not found")
        repository = target
    if parsed.tag:
        tag = Tag.objects.filter(repository=repository, name=parsed.tag).select_related("manifest").first()
        if tag is None:
            raise RefError(f"tag {parsed.tag} not found in {repository.full_name}")
        manifest = tag.manifest
    else:
        manifest = Manifest.objects.filter(repository=repository, digest=parsed.digest).first()
        if manifest is None:
            raise RefError(f"image {parsed.digest} not found in {repository.full_name}")
    index_digest, platforms = "", []
    if manifest.is_index:
        links = [
            link
            for link in manifest.child_links.select_related("child")
            if (link.architecture or link.child.architecture) not in ("", "unknown") and not link.child.is_index
        ]
        platforms = [_label(link) for link in links]
        chosen = _platform_pick(links, platforms, platform)
        if chosen is None:
            raise RefError(f"{ref[:200]} has no platform {platform or 'to compare'} (it has {', '.join(platforms)})")
        index_digest, manifest = manifest.digest, chosen.child
    return ResolvedImage(repository, manifest, parsed.tag, index_digest, platforms)


def _platform_pick(links: list, labels: list[str], wanted: str):
    if wanted:
        return next((link for link, label in zip(links, labels, strict=True) if label == wanted), None)
    for link, label in zip(links, labels, strict=True):
        if label == "linux/amd64":
            return link
    return links[0] if links else None


def config_read(manifest: Manifest) -> dict | None:
    """The image config blob as JSON, None when it is not in storage or not JSON."""
    if not manifest.config_digest:
        return None
    try:
        with blob_storage().open(manifest.config_digest) as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
        return load_json_object(data, MAX_CONFIG_BYTES)
    except (FileNotFoundError, DocumentError):
        return None


def image_facts(manifest: Manifest) -> ImageFacts:
    """One side of a diff in four queries (layers, packages, findings) and one blob read (config)."""
    layers, history = [], []
    for digest, size, uncompressed, created_by, empty in (
        Layer.objects.filter(manifest=manifest)
        .order_by("position")
        .values_list("digest", "size", "uncompressed_size", "created_by", "empty_layer")
    ):
        history.append(created_by)
        if not empty:
            layers.append(LayerFact(digest, size, uncompressed, created_by))
    packages = [
        PackageFact(*row) for row in Package.objects.filter(manifest=manifest).values_list("type", "name", "version")
    ]
    findings = [
        FindingFact(*row)
        for row in Finding.objects.filter(manifest=manifest).values_list(
            "vulnerability__osv_id", "package__name", "package__version", "severity", "fixed_version"
        )
    ]
    config = config_read(manifest)
    return ImageFacts(
        layers=layers,
        history=history,
        packages=packages,
        findings=findings,
        os_ecosystem=manifest.os_ecosystem,
        compressed_size=manifest.compressed_size,
        uncompressed_size=manifest.uncompressed_size,
        config=config_summary(config) if config is not None else {},
    )


@dataclass
class DownloadCost:
    full: int  # bytes a pull onto an empty machine fetches: the config and every distinct layer
    needed: int  # bytes it fetches when `have` is already there
    blobs_total: int
    blobs_needed: int

    @property
    def saved(self) -> int:
        return self.full - self.needed


def _blob_sizes(manifest: Manifest) -> dict[str, int]:
    return dict(ManifestBlob.objects.filter(manifest=manifest).values_list("blob__digest", "blob__size"))


def download_cost(*, manifest: Manifest, have: Manifest) -> DownloadCost:
    """What pulling `manifest` downloads when `have` was pulled before: the blobs (config and
    layers) `have` does not hold, each once; what `skopeo copy` into a layout holding `have` fetches."""
    wanted, held = _blob_sizes(manifest), _blob_sizes(have)
    missing = {digest: size for digest, size in wanted.items() if digest not in held}
    return DownloadCost(
        full=sum(wanted.values()), needed=sum(missing.values()), blobs_total=len(wanted), blobs_needed=len(missing)
    )


@dataclass
class Comparison:
    before: ResolvedImage
    after: ResolvedImage
    diff: ImageDiff
    download: DownloadCost  # pulling `after` where `before` is already


def image_compare(*, user, repository: Repository, before: str, after: str, platform: str = "") -> Comparison:
    """Compare two references read as `user` (RefError for a bad or unreadable one). `platform`
    picks the platform of an index on either side."""
    left = image_resolve(user=user, repository=repository, ref=before, platform=platform)
    right = image_resolve(user=user, repository=repository, ref=after, platform=platform)
    diff = image_diff(image_facts(left.manifest), image_facts(right.manifest))
    return Comparison(left, right, diff, download_cost(manifest=right.manifest, have=left.manifest))


def previous_tag_names(*, repository: Repository, names: list[str]) -> dict[str, str]:
    """For each tag in `names`, the tag just below it in natural version order (what "compare with
    previous" compares with), in one query on the tags' version index."""
    below = (
        Tag.objects.filter(repository=repository, sort_key__lt=OuterRef("sort_key"))
        .order_by("-sort_key", "-id")
        .values("name")[:1]
    )
    rows = (
        Tag.objects.filter(repository=repository, name__in=names)
        .annotate(previous=Subquery(below))
        .values_list("name", "previous")
    )
    return {name: previous for name, previous in rows if previous}
