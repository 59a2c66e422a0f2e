"""Writes that keep search's derived data in step. Call after tags or manifests of a repository change.

The text index needs no call: PostgreSQL computes it in a generated column and SQLite's FTS5
table is kept by triggers; `trusted_rank` is a generated column too. Platforms, however, come from
tags and manifests, so whoever moves a tag or finishes indexing a manifest calls
repository_platforms_refresh(). Category changes are followed by a signal (category_changed).

Facets read three denormalised columns of the repository row (facet_os, facet_architectures,
facet_categories: space-separated values with a space at both ends), so counting them over the
matches of a query is one read of those rows, never a join per facet group.
"""

from django.db import connection, transaction

from images.models import Manifest, ManifestReference, RepositoryPlatform

_FACET_SQL = """
UPDATE images_repository SET
    facet_os = coalesce((SELECT ' ' || {agg}(os, ' ') || ' ' FROM (
        SELECT DISTINCT os FROM images_repositoryplatform
        WHERE repository_id = images_repository.id AND os <> '' ORDER BY os) AS p), ''),
    facet_architectures = coalesce((SELECT ' ' || {agg}(architecture, ' ') || ' ' FROM (
        SELECT DISTINCT architecture FROM images_repositoryplatform
        WHERE repository_id = images_repository.id AND architecture <> '' ORDER BY architecture) AS p), ''),
    facet_categories = coalesce((SELECT ' ' || {agg}(CAST(category_id AS TEXT), ' ') || ' ' FROM (
        SELECT category_id FROM images_repository_categories
        WHERE repository_id = images_repository.id ORDER BY category_id) AS c), '')
"""


def repository_facets_refresh(*, repository_ids=None) -> None:
    """Recompute the facet columns of these repositories (all of them when None) from platforms and categories."""
    if repository_ids is not None:
        repository_ids = sorted({int(i) for i in repository_ids})
        if not repository_ids:
            return
    # SQLite's group_concat keeps the order of the rows it is given, as string_agg does.
    sql = _FACET_SQL.format(agg="string_agg" if connection.vendor == "postgresql" else "group_concat")
    with connection.cursor() as cursor:
        if repository_ids is None:
            cursor.execute(sql)
            return
        for start in range(0, len(repository_ids), 500):
            chunk = repository_ids[start : start + 500]
            cursor.execute(f"{sql} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)


def facet_values(column: str) -> set[str]:
    """The values of a facet column (" linux windows " -> {"linux", "windows"})."""
    return set(column.split())


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
    repository_facets_refresh(repository_ids=[repository_id])
    return platforms


def category_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed receiver for Repository.categories: keep facet_categories in step, whichever side changed."""
    if action == "pre_clear" and reverse:
        # Clearing a category's repositories: remember which, they are gone once post_clear runs.
        instance._search_cleared_repository_ids = list(instance.repositories.values_list("id", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        ids = [instance.pk]
    elif action == "post_clear":
        ids = getattr(instance, "_search_cleared_repository_ids", [])
    else:
        ids = pk_set or []
    repository_facets_refresh(repository_ids=ids)
