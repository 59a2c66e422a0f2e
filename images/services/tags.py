"""Tags: movable names for manifests; listing in lexical order with `n`/`last` paging; deletion."""

import re

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Collate
from django.utils import timezone

from images.errors import ManifestUnknown
from images.models import Manifest, Repository, Tag
from images.services.audit import repository_audit
from images.services.authorization import DELETE, authorize
from images.services.lineage import tag_history_record
from images.services.posture import repository_posture_refresh
from images.services.repository_contents import repository_contents_refresh

TAG_RE = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")


def tag_set(*, repository: Repository, name: str, manifest: Manifest, pushed_by=None) -> Tag:
    tag = _tag_write(repository=repository, name=name, manifest=manifest, pushed_by=pushed_by)
    tag_history_record(repository=repository, name=name, manifest=manifest)  # for "base updated" (lineage)
    # The latest tag may have moved: the repository's posture is that of its latest tag.
    repository_posture_refresh(repository)
    repository_contents_refresh(repository_ids=[repository.pk])  # what `pkg:` finds in it, too
    return tag


def _tag_write(*, repository: Repository, name: str, manifest: Manifest, pushed_by=None) -> Tag:
    now = timezone.now()
    updated = Tag.objects.filter(repository=repository, name=name).update(
        manifest=manifest, pushed_at=now, pushed_by=pushed_by
    )
    if updated:
        return Tag.objects.get(repository=repository, name=name)
    try:
        with transaction.atomic():
            return Tag.objects.create(
                repository=repository, name=name, manifest=manifest, pushed_at=now, pushed_by=pushed_by
            )
    except IntegrityError:  # set by a concurrent push: last writer wins
        Tag.objects.filter(repository=repository, name=name).update(manifest=manifest, pushed_at=now)
        return Tag.objects.get(repository=repository, name=name)


def byte_order(field: str):
    """Sort and compare by bytes, as the spec's lexical order means, whatever the database collation."""
    return Collate(field, "C") if connection.vendor == "postgresql" else Collate(field, "BINARY")


def tag_list(*, repository: Repository, n: int | None = None, last: str | None = None) -> list[str]:
    rows = Tag.objects.filter(repository=repository).annotate(sort_name=byte_order("name"))
    if last:
        rows = rows.filter(sort_name__gt=last)
    rows = rows.order_by("sort_name").values_list("name", flat=True)
    return list(rows[:n] if n is not None else rows)


@transaction.atomic
def tag_delete(*, actor, repository: Repository, tag: str) -> None:
    """Remove a tag, from the registry, the API or the console alike; the manifest stays, reachable by
    digest, until garbage collection. Audited: the log keeps which digest the tag named."""
    authorize(actor, DELETE, repository=repository, message=f"you may not delete tags of {repository.full_name}")
    row = Tag.objects.filter(repository=repository, name=tag).select_related("manifest").first()
    if row is None:
        raise ManifestUnknown(tag=tag[:200])
    before = {"digest": row.manifest.digest, "pushed_at": row.pushed_at.isoformat() if row.pushed_at else None}
    repository_audit(actor=actor, action="tag.delete", repository=repository, detail=f":{tag}", before=before)
    row.delete()
    repository_posture_refresh(repository)
    repository_contents_refresh(repository_ids=[repository.pk])
