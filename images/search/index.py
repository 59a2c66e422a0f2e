"""Writes that keep search's derived data in step. Call after tags or manifests of a repository change.

The text index needs no call: PostgreSQL computes it in a generated column and SQLite's FTS5
table is kept by triggers. Platforms, however, come from tags and manifests, so whoever moves a
tag or finishes indexing a manifest calls repository_platforms_refresh().
"""

from django.db import transaction

from images.models import Manifest, ManifestReference, RepositoryPlatform


@transaction.atomic
def repository_platforms_refresh(*, repository_id: int) -> set[tuple[str, str, str]]:
    """Recompute the set of platforms that the repository's tagged images offer."""
    tagged = Manifest.objects.filter(repository_id=repository_id, tags__isnull=False).distinct()
    platforms = set(
        ManifestReference.objects.filter(parent__in=tagged.filter(is_index=True))
        .exclude(architecture="")
        .exclude(architecture="unknown")
        .values_list("os", "architecture", "variant")
    )
    platforms |= set(
        tagged.filter(is_index=False).exclude(architecture="").values_list("os", "architecture", "variant")
    )
    existing = set(
        RepositoryPlatform.objects.filter(repository_id=repository_id).values_list("os", "architecture", "variant")
    )
    stale = existing - platforms
    for os_, architecture, variant in stale:
        RepositoryPlatform.objects.filter(
            repository_id=repository_id, os=os_, architecture=architecture, variant=variant
        ).delete()
    RepositoryPlatform.objects.bulk_create(
        [
            RepositoryPlatform(repository_id=repository_id, os=os_, architecture=architecture, variant=variant)
            for os_, architecture, variant in platforms - existing
        ],
        ignore_conflicts=True,
    )
    return platforms
