"""Derived data for search: what each repository's tagged images hold (images/models/repository_contents.py).

Recomputed wholesale per repository, from the stored packages and findings, wherever what a repository's tags
reach can change: a tag set, moved or deleted, a manifest deleted, an image indexed, findings recomputed (the
same places that refresh posture, images/services/posture.py), and by `manage.py reindex --posture`.
"""

from django.db import connection, transaction

from images.models import Repository, RepositoryFinding, RepositoryPackage

_BATCH = 500  # repositories per statement: within SQLite's parameter limit

# The images a tag reaches: its manifest, or a child of the index it names. `{where}` narrows the tags.
_REACHED = (
    "SELECT t.repository_id, t.manifest_id AS image_id FROM images_tag t WHERE {where}"
    " UNION SELECT t.repository_id, r.child_id FROM images_tag t"
    " JOIN images_manifestreference r ON r.parent_id = t.manifest_id WHERE {where}"
)
_PACKAGES = (
    "INSERT INTO images_repositorypackage (repository_id, type, name, lname, version)"  # noqa: S608 (constants)
    " SELECT DISTINCT reached.repository_id, p.type, p.name, LOWER(p.name), p.version"
    f" FROM ({_REACHED}) reached JOIN images_package p ON p.manifest_id = reached.image_id"
)
_FINDINGS = (
    "INSERT INTO images_repositoryfinding (repository_id, vulnerability_id, severity, fixable)"  # noqa: S608
    " SELECT DISTINCT reached.repository_id, f.vulnerability_id, f.severity,"
    " f.fixed_version <> ''"
    f" FROM ({_REACHED}) reached JOIN images_finding f ON f.manifest_id = reached.image_id"
)


def repository_contents_refresh(*, repository_ids) -> None:
    """Recompute the derived package and finding rows of these repositories."""
    ids = sorted({int(i) for i in repository_ids})
    for start in range(0, len(ids), _BATCH):
        _refresh_batch(ids[start : start + _BATCH])


def repository_contents_rebuild() -> None:
    """Recompute the derived rows of every repository: one statement per table."""
    with transaction.atomic():
        RepositoryPackage.objects.all().delete()
        RepositoryFinding.objects.all().delete()
        with connection.cursor() as cursor:
            for statement in (_PACKAGES, _FINDINGS):
                cursor.execute(statement.format(where="1 = 1"))


@transaction.atomic
def _refresh_batch(ids: list[int]) -> None:
    # Locking the repository rows keeps two refreshes of one repository from both inserting its rows.
    list(Repository.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    RepositoryPackage.objects.filter(repository_id__in=ids).delete()
    RepositoryFinding.objects.filter(repository_id__in=ids).delete()
    where = f"t.repository_id IN ({', '.join(['%s'] * len(ids))})"
    with connection.cursor() as cursor:
        for statement in (_PACKAGES, _FINDINGS):
            # The placeholders are ours; the ids, twice (both paths of _REACHED), are parameters.
            cursor.execute(statement.format(where=where), ids + ids)
