"""Reads about blobs that images share: how widely each layer of an image is shared across Hub,
what a pull costs when another image is already on the machine, and storage use.

Storage use (``namespace_storage_use``) is THE storage-use figure: the bytes of every blob that a
manifest of the namespace references (configs and layers), each blob counted once per namespace
however many repositories, tags and images hold it. Blobs no manifest references are left out:
garbage collection removes them after its grace period. Quotas are to use this figure.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from images.models import Layer, Manifest, ManifestBlob, Namespace, Repository, Tag
from images.selectors.diff import (
    DownloadCost,
    RefError,
    ResolvedImage,
    download_cost,
    image_resolve,
    previous_tag_names,
)
from images.services.authorization import readable_filter


@dataclass
class LayerShare:
    layer: Layer
    images: int  # other visible platform images holding the same layer digest
    repositories: int  # distinct visible repositories among them (this one included when it has other images)


def layer_sharing(*, user, manifest: Manifest) -> list[LayerShare]:
    """Each non-empty layer of `manifest`, with how many other images `user` may see hold it too."""
    layers = [layer for layer in manifest.layers.all() if not layer.empty_layer and layer.digest]
    counts = {
        row["digest"]: row
        for row in Layer.objects.filter(
            digest__in={layer.digest for layer in layers},
            manifest__repository__in=Repository.objects.filter(readable_filter(user)),
        )
        .exclude(manifest=manifest)
        .values("digest")
        .annotate(images=Count("manifest", distinct=True), repositories=Count("manifest__repository", distinct=True))
        .order_by()
    }
    none = {"images": 0, "repositories": 0}
    return [
        LayerShare(layer, counts.get(layer.digest, none)["images"], counts.get(layer.digest, none)["repositories"])
        for layer in layers
    ]


@dataclass
class RepositoryStorage:
    repository: Repository
    total: int  # its blobs, each once
    shared: int  # of those, bytes of blobs another repository of the namespace holds too
    images: int

    @property
    def unique(self) -> int:
        return self.total - self.shared


@dataclass
class StorageUse:
    namespace: Namespace
    total: int  # THE figure: each blob once per namespace
    blobs: int
    sum_of_repositories: int  # what adding up the repositories would say (shared blobs counted again)
    repositories: list[RepositoryStorage] = field(default_factory=list)

    @property
    def shared_saving(self) -> int:
        return self.sum_of_repositories - self.total


def namespace_storage_use(*, namespace: Namespace) -> StorageUse:
    """Storage use of every repository of `namespace` (private ones included: callers show it only
    to those the authorization module lets administer the namespace). Largest repository first."""
    rows = (
        ManifestBlob.objects.filter(manifest__repository__namespace=namespace)
        .values_list("manifest__repository_id", "blob_id", "blob__size")
        .distinct()
    )
    holders: dict[int, set[int]] = defaultdict(set)
    sizes: dict[int, int] = {}
    for repository_id, blob_id, size in rows:
        holders[blob_id].add(repository_id)
        sizes[blob_id] = size
    per_repository: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for blob_id, repositories in holders.items():
        for repository_id in repositories:
            per_repository[repository_id][0] += sizes[blob_id]
            if len(repositories) > 1:
                per_repository[repository_id][1] += sizes[blob_id]
    images = dict(
        Manifest.objects.filter(repository__namespace=namespace, is_index=False)
        .values_list("repository_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    repositories = Repository.objects.filter(namespace=namespace).select_related("namespace")
    rows = [
        RepositoryStorage(r, per_repository[r.pk][0], per_repository[r.pk][1], images.get(r.pk, 0))
        for r in repositories
    ]
    rows.sort(key=lambda row: (-row.total, row.repository.name))
    return StorageUse(
        namespace=namespace,
        total=sum(sizes.values()),
        blobs=len(sizes),
        sum_of_repositories=sum(row.total for row in rows),
        repositories=rows,
    )


@dataclass
class ImageSharing:
    """The image page's sharing parts: per-layer counts and the download cost next to `have`."""

    layers: list[LayerShare]
    have_ref: str  # what the picker holds ("" when there is nothing to compare with)
    have: ResolvedImage | None
    have_error: str
    cost: DownloadCost | None
    tag_choices: list[str]  # the repository's tags, nearest versions first, for the picker


PICKER_TAGS = 50


def image_sharing_get(
    *, user, repository: Repository, manifest: Manifest, tag: str, have_ref: str = "", base_ref: str = ""
) -> ImageSharing:
    """`have_ref` (a reference, see selectors/diff.py) defaults to the image's base (`base_ref`, from
    selectors/lineage.py), else to the previous tag of `tag`; an index is read on this image's platform."""
    previous = previous_tag_names(repository=repository, names=[tag]).get(tag, "")
    if not have_ref:
        have_ref = base_ref or previous
    have, error, cost = None, "", None
    if have_ref:
        platform = "/".join(p for p in (manifest.os, manifest.architecture, manifest.variant) if p)
        try:
            have = image_resolve(user=user, repository=repository, ref=have_ref, platform=platform)
        except RefError as exc:
            try:  # the other image may not offer this platform: its default one is still a fair comparison
                have = image_resolve(user=user, repository=repository, ref=have_ref)
            except RefError:
                error = exc.message
        if have is not None:
            cost = download_cost(manifest=manifest, have=have.manifest)
    others = Tag.objects.filter(repository=repository).exclude(name=tag).order_by("-sort_key")
    choices = [ref for ref in (base_ref, previous) if ref]
    choices += [name for name in others.values_list("name", flat=True)[:PICKER_TAGS] if name not in choices]
    return ImageSharing(layer_sharing(user=user, manifest=manifest), have_ref, have, error, cost, choices)
