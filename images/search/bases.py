"""The `base:` term and the "Base image" facet: repositories with a tag whose image is built on an image of a
given repository (its chain starts with that image's chain, or its annotations name it; images/models/lineage.py).

Only bases the searcher may read count: `base:` naming a repository they cannot see matches nothing, and the
facet lists only readable base repositories. "Built on" includes through another base (an app on python on
debian is built on both); a repository is never counted as built on itself.
"""

from collections import defaultdict

from django.db.models import Q, QuerySet

from images.models import ChainPrefix, ImageChain, Manifest, ManifestReference, Repository, Tag
from images.search.facets import FacetValue, count_cap
from images.services.authorization import readable_filter

FACETS_SHOWN = 10


def _base_repositories(paths: tuple[str, ...], user) -> QuerySet:
    condition = Q(pk__in=[])
    for path in paths:
        namespace, _, name = path.partition("/")
        if namespace and name:
            condition |= Q(namespace__name=namespace, name=name)
    return Repository.objects.filter(readable_filter(user)).filter(condition).values("pk")


def base_q(paths: tuple[str, ...], user) -> Q:
    """Repositories built on every one of these (`namespace/name`) readable repositories."""
    condition = Q()
    for path in paths:
        bases = _base_repositories((path,), user)
        keys = ImageChain.objects.filter(manifest__repository__in=bases).values("key")
        built = ChainPrefix.objects.filter(key__in=keys).values("manifest_id")
        named = ImageChain.objects.filter(annotated_base__repository__in=bases).values("manifest_id")
        images = Q(manifest_id__in=built) | Q(manifest_id__in=named)
        parents = ManifestReference.objects.filter(Q(child_id__in=built) | Q(child_id__in=named)).values("parent_id")
        tagged = Tag.objects.filter(images | Q(manifest_id__in=parents)).values("repository_id")
        condition &= Q(pk__in=tagged) & ~Q(pk__in=bases)
    return condition


def base_facet(matching: QuerySet, selected: tuple[str, ...], user) -> list[FacetValue]:
    """How many of the matching repositories (the first count cap of them) are built on each readable base
    repository, most first."""
    ids = list(matching.order_by().values_list("pk", flat=True)[: count_cap() + 1])
    tags = Tag.objects.filter(repository_id__in=ids)
    direct = tags.values_list("repository_id", "manifest_id")
    children = tags.filter(manifest__is_index=True).values_list("repository_id", "manifest__child_links__child_id")
    repositories_of: dict[int, set[int]] = defaultdict(set)
    for repository_id, manifest_id in [*direct, *children]:
        if manifest_id is not None:
            repositories_of[manifest_id].add(repository_id)
    if not repositories_of:
        return _selected_only(selected)
    prefixes = ChainPrefix.objects.filter(manifest_id__in=list(repositories_of)).values_list("manifest_id", "key")
    keys_of: dict[str, set[int]] = defaultdict(set)
    for manifest_id, key in prefixes:
        keys_of[key] |= repositories_of[manifest_id]
    readable = Repository.objects.filter(readable_filter(user)).values("pk")
    base_rows = (
        Manifest.objects.filter(chain__key__in=list(keys_of), repository__in=readable)
        .values_list("chain__key", "repository_id")
        .distinct()
    )
    built_on: dict[int, set[int]] = defaultdict(set)
    for key, base_repository in base_rows:
        built_on[base_repository] |= keys_of[key] - {base_repository}
    names = {
        r.pk: r.full_name
        for r in Repository.objects.filter(pk__in=[pk for pk, found in built_on.items() if found]).select_related(
            "namespace"
        )
    }
    values = [FacetValue(name, name, len(built_on[pk]), name in selected) for pk, name in names.items()]
    values.sort(key=lambda f: (-f.count, f.label))
    shown = values[:FACETS_SHOWN]
    shown += [f for f in values[FACETS_SHOWN:] if f.selected]
    return shown + [f for f in _selected_only(selected) if f.value not in names.values()]


def _selected_only(selected: tuple[str, ...]) -> list[FacetValue]:
    return [FacetValue(path, path, 0, True) for path in selected]
