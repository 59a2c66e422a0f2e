"""Lineage reads: an image's base for the person reading, whether that base's tag has moved on and what
rebuilding would fix, the images built on a repository's images, and a publisher's images on outdated bases.

Visibility is applied here, once: a base, a newer base and a dependent are only ever an image of a repository
the reader may pull (authorization.readable_filter). A private base the reader cannot see is skipped, and the
next-longest visible prefix is the base they are shown (images/models/lineage.py explains the rows).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from images.indexing.lineage import Finding as GainFinding
from images.indexing.lineage import RebuildGain, base_reference, rebuild_gain
from images.models import (
    ChainPrefix,
    Finding,
    ImageChain,
    Layer,
    Manifest,
    ManifestReference,
    Package,
    Repository,
    Tag,
    TagHistory,
)
from images.models.choices import IndexStatus
from images.services.authorization import may_see_base_upkeep, readable_filter

DEPENDENTS_SHOWN = 50
OUTDATED_CHECKED = 50  # a publisher's tagged images checked on the repository page


@dataclass
class BaseUpdate:
    tag: str
    newer: Manifest
    updated_at: datetime | None
    gain: RebuildGain


@dataclass
class Lineage:
    base: Manifest | None = None
    base_tag: str = ""  # a tag that names the base now, or last named it
    base_current: bool = False  # base_tag names the base now (so its image page is under that tag)
    from_annotation: bool = False
    base_layers: int = 0  # how many of the image's layers came from the base
    base_positions: set[int] = field(default_factory=set)  # Layer.position of the steps that came from it
    update: BaseUpdate | None = None


def _readable(user) -> QuerySet:
    return Repository.objects.filter(readable_filter(user)).values("pk")


def _tagged() -> Q:
    """Manifests a tag names now, directly or as a child of a tagged index (an index probe per row)."""
    through_index = ManifestReference.objects.filter(child=OuterRef("pk"), parent__tags__isnull=False)
    return Q(Exists(Tag.objects.filter(manifest=OuterRef("pk")))) | Q(Exists(through_index))


def image_base(*, manifest: Manifest, user, chain: ImageChain | None = None) -> tuple[Manifest | None, int, bool]:
    """(base, how many layers it gave, whether the annotations named it) of one platform image for `user`."""
    chain = chain or ImageChain.objects.filter(manifest_id=manifest.pk).first()
    if chain is None:
        return None, 0, False
    readable = _readable(user)
    if chain.annotated_base_id:
        named = (
            Manifest.objects.filter(pk=chain.annotated_base_id, repository__in=readable)
            .select_related("repository__namespace", "chain")
            .first()
        )
        if named is not None:
            # The layers it gave: its whole chain, when that is where this image's chain starts.
            given = 0
            if hasattr(named, "chain"):
                length, key = named.chain.length, named.chain.key
                prefix = ChainPrefix.objects.filter(manifest_id=manifest.pk, length=length, key=key)
                given = named.chain.length if prefix.exists() else 0
            return named, given, True
    # The candidates first (images whose whole chain is one of this one's prefixes: a few rows, by index), then
    # which of their repositories the reader may see; each step driven by ids, never a scan of every image.
    keys = ChainPrefix.objects.filter(manifest_id=manifest.pk).values("key")
    candidates = list(
        Manifest.objects.filter(chain__key__in=keys, index_status=IndexStatus.INDEXED)
        .exclude(pk=manifest.pk)
        .values_list("pk", "repository_id", "chain__length", "pushed_at")
    )
    if not candidates:
        return None, 0, False
    visible = set(
        Repository.objects.filter(readable_filter(user), pk__in={c[1] for c in candidates}).values_list("pk", flat=True)
    )
    candidates = [c for c in candidates if c[1] in visible]
    if not candidates:
        return None, 0, False
    tagged = set(Tag.objects.filter(manifest_id__in=[c[0] for c in candidates]).values_list("manifest_id", flat=True))
    # Longest first; among identical chains one a tag names now, then the first pushed.
    pk, _, length, _ = min(candidates, key=lambda c: (-c[2], c[0] not in tagged, c[3], c[0]))
    best = Manifest.objects.select_related("repository__namespace").get(pk=pk)
    return best, length, False


def image_lineage(*, manifest: Manifest, user) -> Lineage:
    """Everything the image page shows about lineage, for `user`."""
    chain = ImageChain.objects.filter(manifest_id=manifest.pk).first()
    base, given, annotated = image_base(manifest=manifest, user=user, chain=chain)
    if base is None:
        return Lineage()
    lineage = Lineage(base=base, from_annotation=annotated, base_layers=given)
    if given:
        lineage.base_positions = _base_positions(manifest, given)
    named_path, named_tag = base_reference(chain.annotated_name)
    if annotated and named_tag and named_path == base.repository.full_name:
        lineage.base_tag = named_tag
        lineage.base_current = _names_now(base, named_tag)
    else:
        lineage.base_tag, lineage.base_current = _tag_of(base)
    if lineage.base_tag:
        lineage.update = _update(base, lineage.base_tag, user)
    return lineage


def _base_positions(manifest: Manifest, given: int) -> set[int]:
    """The history steps up to the last layer the base gave (its empty steps, ENV or CMD, included)."""
    steps = Layer.objects.filter(manifest_id=manifest.pk).order_by("position").values_list("position", "empty_layer")
    positions, layers = set(), 0
    for position, empty in steps:
        if layers == given:
            break
        positions.add(position)
        layers += not empty
    return positions


def _parents(manifest: Manifest) -> list[int]:
    return list(ManifestReference.objects.filter(child_id=manifest.pk).values_list("parent_id", flat=True))


def _tag_of(base: Manifest) -> tuple[str, bool]:
    """A tag of the base's repository naming it now (True); else the one that named it last (False)."""
    named = [base.pk, *_parents(base)]
    now = Tag.objects.filter(repository_id=base.repository_id, manifest_id__in=named).order_by("-pushed_at", "name")
    tag = now.values_list("name", flat=True).first()
    if tag:
        return tag, True
    history = TagHistory.objects.filter(repository_id=base.repository_id, manifest_id__in=named)
    return history.order_by("-first_at", "name").values_list("name", flat=True).first() or "", False


def _names_now(base: Manifest, tag_name: str) -> bool:
    named = [base.pk, *_parents(base)]
    return Tag.objects.filter(repository_id=base.repository_id, name=tag_name, manifest_id__in=named).exists()


def _update(base: Manifest, tag_name: str, user) -> BaseUpdate | None:
    """When `tag_name` now names another image of the base's platform: it, since when, and the gain."""
    tag = Tag.objects.filter(repository_id=base.repository_id, name=tag_name).select_related("manifest").first()
    if tag is None:
        return None
    newer = tag.manifest
    if newer.is_index:
        child = (
            ManifestReference.objects.filter(parent=newer, child__os=base.os, child__architecture=base.architecture)
            .select_related("child")
            .order_by("position")
            .first()
        )
        newer = child.child if child else None
    if newer is None or newer.pk == base.pk or newer.index_status != IndexStatus.INDEXED:
        return None
    if not Repository.objects.filter(readable_filter(user), pk=newer.repository_id).exists():
        return None
    since = TagHistory.objects.filter(repository_id=base.repository_id, name=tag_name, manifest_id=tag.manifest_id)
    updated_at = since.values_list("first_at", flat=True).first() or tag.pushed_at
    return BaseUpdate(tag=tag_name, newer=newer, updated_at=updated_at, gain=base_gain(base, newer))


def base_gain(old: Manifest, new: Manifest) -> RebuildGain:
    """What moving from one base image to another fixes and changes (findings and packages compared)."""

    def findings(manifest):
        rows = Finding.objects.filter(manifest_id=manifest.pk).values_list(
            "vulnerability__osv_id", "package__name", "severity"
        )
        return [GainFinding(advisory, package, severity) for advisory, package, severity in rows]

    def packages(manifest):
        return Package.objects.filter(manifest_id=manifest.pk).values_list("type", "name", "version")

    return rebuild_gain(findings(old), findings(new), packages(old), packages(new))


# Dependents: images (tagged now, of other repositories the reader may see) built on one of this repository's.


def dependents_q(repository: Repository, user) -> QuerySet:
    """Tagged platform images of other readable repositories whose chain starts with the chain of an image of
    `repository`, or whose annotations name one of its images."""
    keys = ImageChain.objects.filter(manifest__repository=repository).values("key")
    # Plain steps by id, each on an index (one query joining them all planned badly on PostgreSQL): the images
    # built on it, or whose annotations name it; which of their repositories the reader may see; then the tagged.
    ids = set(ChainPrefix.objects.filter(key__in=keys).values_list("manifest_id", flat=True))
    ids |= set(ImageChain.objects.filter(annotated_base__repository=repository).values_list("manifest_id", flat=True))
    candidates = list(
        Manifest.objects.filter(pk__in=sorted(ids), is_index=False)
        .exclude(repository=repository)
        .values_list("pk", "repository_id")
    )
    visible = set(
        Repository.objects.filter(readable_filter(user), pk__in={r for _, r in candidates}).values_list("pk", flat=True)
    )
    shown = sorted(pk for pk, repository_id in candidates if repository_id in visible)
    return Manifest.objects.filter(pk__in=shown).filter(_tagged()).select_related("repository__namespace")


@dataclass
class Dependents:
    count: int
    images: list[Manifest]  # the first DEPENDENTS_SHOWN, most recently pushed first, each with `tag_names`


def repository_dependents(*, repository: Repository, user, limit: int = DEPENDENTS_SHOWN) -> Dependents:
    # One read of the ids in order gives the count and the page: the tag probes run once, not twice.
    ids = list(dependents_q(repository, user).order_by("-pushed_at", "pk").values_list("pk", flat=True))
    count = len(ids)
    by_id = Manifest.objects.select_related("repository__namespace").in_bulk(ids[:limit]) if limit else {}
    images = [by_id[pk] for pk in ids[:limit]]
    _attach_tags(images)
    return Dependents(count=count, images=images)


def _attach_tags(images: list[Manifest]) -> None:
    ids = [image.pk for image in images]
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    for manifest_id, name in Tag.objects.filter(manifest_id__in=ids).values_list("manifest_id", "name"):
        names[manifest_id].append(name)
    via_index = ManifestReference.objects.filter(child_id__in=ids).values_list("child_id", "parent__tags__name")
    for child_id, name in via_index:
        if name:
            names[child_id].append(name)
    for image in images:
        image.tag_names = sorted(set(names[image.pk]))


@dataclass
class OutdatedImage:
    image: Manifest
    tag_names: list[str]
    lineage: Lineage


def publisher_outdated(*, repository: Repository, user) -> list[OutdatedImage] | None:
    """For those who may push to the repository: its tagged images whose base's tag has moved on (None for
    anyone else, who is not shown the list)."""
    if not may_see_base_upkeep(user, repository):
        return None
    images = list(
        Manifest.objects.filter(repository=repository, is_index=False, chain__isnull=False)
        .filter(_tagged())
        .order_by("-pushed_at", "pk")[:OUTDATED_CHECKED]
    )
    _attach_tags(images)
    found = []
    for image in images:
        lineage = image_lineage(manifest=image, user=user)
        if lineage.update is not None:
            found.append(OutdatedImage(image=image, tag_names=image.tag_names, lineage=lineage))
    return found
