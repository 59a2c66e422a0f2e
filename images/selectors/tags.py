"""Reads of tags: pages of a repository's tags in natural version order, a tag with its platforms."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from images.models import Layer, Manifest, ManifestReference, Repository, Tag
from images.services.tags import byte_order

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


def tag_list_recent(*, repository: Repository):
    """Every tag with its manifest, most recently pushed first (the console's tag list, paged by the view)."""
    return Tag.objects.filter(repository=repository).select_related("manifest").order_by("-pushed_at", "name")


def tag_row_get(*, repository: Repository, name: str) -> Tag | None:
    return Tag.objects.filter(repository=repository, name=name).select_related("manifest").first()


def tag_count(*, repository: Repository) -> int:
    return Tag.objects.filter(repository=repository).count()


# The Hub API's tag orders (Docker Hub's `ordering`), each as the ids of the matching tags.
API_TAG_ORDERINGS = ("-last_updated", "last_updated", "name", "-name", "version", "-version")


def tag_ids_page(*, repository: Repository, name_filter: str = "", ordering: str = "-last_updated", exact_name=None):
    """The ids of a repository's tags in an API order (a list, or a queryset that pages in the database)."""
    tags = Tag.objects.filter(repository=repository)
    if exact_name is not None:
        return list(tags.filter(name=exact_name).values_list("id", flat=True))
    if name_filter:
        tags = tags.filter(name__icontains=name_filter)
    if ordering in ("version", "-version"):
        rows = sorted(tags.values_list("name", "id"), key=lambda r: natural_key(r[0]), reverse=ordering[0] == "-")
        return [tag_id for _, tag_id in rows]
    order = {
        "-last_updated": [F("pushed_at").desc(), "-id"],
        "last_updated": ["pushed_at", "id"],
        "name": ["sort_name"],
        "-name": ["-sort_name"],
    }[ordering]
    return tags.annotate(sort_name=byte_order("name")).order_by(*order).values_list("id", flat=True)


def tags_with_images(*, tag_ids: list[int]) -> list[Tag]:
    """Tags in the order of `tag_ids`, with manifest, pusher and an index's child links fetched."""
    rows = (
        Tag.objects.filter(id__in=tag_ids)
        .select_related("manifest", "pushed_by")
        .prefetch_related(Prefetch("manifest__child_links", queryset=ManifestReference.objects.select_related("child")))
    )
    by_id = {tag.id: tag for tag in rows}
    return [by_id[i] for i in tag_ids if i in by_id]


def layers_by_manifest(*, manifest_ids: list[int]) -> dict[int, list[dict]]:
    """The layers (digest, size, instruction) of each manifest, in order."""
    layers = defaultdict(list)
    rows = Layer.objects.filter(manifest_id__in=manifest_ids).order_by("manifest_id", "position")
    for layer in rows.values("manifest_id", "digest", "size", "created_by"):
        layers[layer["manifest_id"]].append(
            {"digest": layer["digest"] or None, "size": layer["size"], "instruction": layer["created_by"]}
        )
    return layers
