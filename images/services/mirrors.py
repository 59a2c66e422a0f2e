"""Mirrors: copy a repository from another registry into Hub and keep it in step.

Everything a mirror copies goes through the same service functions a push uses
(`blob_put_monolithic`, `manifest_put`), so mirrored images are stored, tagged and indexed
exactly like pushed ones.
"""

import fnmatch
import logging
import re
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from images.errors import DomainError, ManifestInvalid, TooLarge
from images.indexing.fetch import RegistryClient, UpstreamError, parse_reference
from images.models import Blob, Mirror, Repository
from images.oci.manifests import manifest_parse
from images.services.authorization import ADMINISTER, authorize
from images.services.blobs import blob_link
from images.services.jobs import MIRROR_SYNC, job_enqueue
from images.services.manifests import manifest_put
from images.services.repositories import repository_ensure, repository_name_split
from images.services.uploads import blob_put_monolithic
from images.storage import blob_storage

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (done, total, what)


def tags_select(tags: list[str], kind: str, pattern: str) -> list[str]:
    """The upstream tags a mirror copies, sorted: all, those matching a glob, or a full-match regex."""
    if kind == Mirror.TagFilter.GLOB:
        return sorted(tag for tag in tags if fnmatch.fnmatchcase(tag, pattern))
    if kind == Mirror.TagFilter.REGEX:
        compiled = re.compile(pattern)
        return sorted(tag for tag in tags if compiled.fullmatch(tag))
    return sorted(tags)


def mirror_create(
    *,
    user,
    repository: str,
    upstream: str,
    tag_filter_kind: str = Mirror.TagFilter.ALL,
    tag_filter: str = "",
    username: str = "",
    password: str = "",
    sync_interval_minutes: int = 60,
) -> Mirror:
    """Add a mirror of `upstream` (e.g. `registry.example.org/ns/name`) into Hub's `repository`
    (`namespace/name`). A mirror is a repository setting: the user must administer the repository (for
    a new one, the namespace), as for webhooks."""
    namespace_name, name = repository_name_split(repository)
    target = Repository.objects.filter(namespace__name=namespace_name, name=name).select_related("namespace").first()
    authorize(
        user,
        ADMINISTER,
        repository=target,
        namespace_name=namespace_name,
        message=f"you may not add mirrors to {repository}",
    )
    try:
        reference = parse_reference(upstream)
    except ValueError as exc:
        raise ValidationError({"upstream": str(exc)}) from None
    if tag_filter_kind == Mirror.TagFilter.REGEX:
        try:
            re.compile(tag_filter)
        except re.error as exc:
            raise ValidationError({"tag_filter": f"not a regular expression: {exc}"}) from None
    if reference.tag and tag_filter_kind == Mirror.TagFilter.ALL:
        # `upstream:tag` mirrors just that tag.
        tag_filter_kind, tag_filter = Mirror.TagFilter.GLOB, reference.tag
    target = target or repository_ensure(actor=user, namespace_name=namespace_name, name=name)
    mirror, _ = Mirror.objects.update_or_create(
        repository=target,
        upstream_registry=reference.registry,
        upstream_repository=reference.repository,
        defaults={
            "tag_filter_kind": tag_filter_kind,
            "tag_filter": tag_filter,
            "username": username,
            "password": password,
            "sync_interval_minutes": sync_interval_minutes,
            "created_by": user,
            "enabled": True,
        },
    )
    return mirror


def mirror_enqueue(*, mirror: Mirror) -> None:
    Mirror.objects.filter(pk=mirror.pk).update(status=Mirror.Status.QUEUED)
    job_enqueue(MIRROR_SYNC, mirror.pk)


def mirrors_due() -> list[int]:
    """Enabled mirrors whose interval has passed since their last sync (or that never synced)."""
    now = timezone.now()
    due = []
    for mirror in Mirror.objects.filter(enabled=True).exclude(status__in=[Mirror.Status.QUEUED, Mirror.Status.SYNCING]):
        if (
            mirror.last_synced_at is None
            or mirror.last_synced_at + timedelta(minutes=mirror.sync_interval_minutes) <= now
        ):
            due.append(mirror.pk)
    # A sync whose worker died stays "syncing": hand it on after a generous while.
    stale = Q(status__in=[Mirror.Status.QUEUED, Mirror.Status.SYNCING]) & Q(last_synced_at__lt=now - timedelta(hours=6))
    due.extend(Mirror.objects.filter(stale, enabled=True).values_list("pk", flat=True))
    return due


def mirrors_sync_due() -> int:
    """Queue every mirror whose interval has passed (the beat runs this every minute)."""
    due = mirrors_due()
    for mirror in Mirror.objects.filter(pk__in=due):
        mirror_enqueue(mirror=mirror)
    return len(due)


class _Copier:
    """Copies manifests (children first) and their blobs from one upstream repository."""

    def __init__(self, client: RegistryClient, upstream_repository: str, repository: Repository, user):
        self.client, self.upstream, self.repository, self.user = client, upstream_repository, repository, user

    def manifest(self, reference: str, tag: str = "") -> str:
        body, media_type, digest = self.client.manifest_get(self.upstream, reference)
        if not tag and self.repository.manifests.filter(digest=digest).exists():
            return digest
        try:
            document = manifest_parse(body, media_type)
        except (ManifestInvalid, TooLarge) as exc:  # checked as a push would be, before anything is copied
            raise UpstreamError(
                f"upstream manifest {digest} is invalid: {exc.detail.get('reason', exc.message)}"
            ) from None
        if document.is_index:
            for child in document.manifests:
                self.manifest(child.digest)
        else:
            for descriptor in document.blobs:
                self.blob(descriptor.digest, descriptor.size)
        manifest_put(
            repository=self.repository, reference=tag or digest, content_type=media_type, body=body, pushed_by=self.user
        )
        return digest

    def blob(self, digest: str, size: int) -> None:
        stored = Blob.objects.filter(digest=digest).first()
        if stored is not None and blob_storage().exists(digest):
            # Already stored (pushed elsewhere, or an earlier sync): link it, copy nothing.
            blob_link(repository=self.repository, blob=stored)
            return
        with self.client.blob_open(self.upstream, digest) as stream:
            blob_put_monolithic(repository=self.repository, digest=digest, stream=stream, length=size or None)


def mirror_sync(*, mirror_id: int, progress: Progress | None = None) -> Mirror:
    """Copy every selected upstream tag into the mirror's repository; returns the mirror as it ended.

    Transient upstream failures (UpstreamUnavailable) propagate, so the task can retry; a
    permanent one is recorded on the mirror.
    """
    mirror = Mirror.objects.select_related("repository__namespace", "created_by").get(pk=mirror_id)
    Mirror.objects.filter(pk=mirror.pk).update(status=Mirror.Status.SYNCING, progress=0, status_detail="")
    client = RegistryClient(mirror.upstream_registry, username=mirror.username, password=mirror.password)
    copier = _Copier(client, mirror.upstream_repository, mirror.repository, mirror.created_by)
    done = 0
    try:
        tags = tags_select(client.tags_list(mirror.upstream_repository), mirror.tag_filter_kind, mirror.tag_filter)
        for done, tag in enumerate(tags, start=1):
            copier.manifest(tag, tag=tag)
            Mirror.objects.filter(pk=mirror.pk).update(progress=int(100 * done / max(len(tags), 1)))
            if progress:
                progress(done, len(tags), tag)
    except (UpstreamError, DomainError) as exc:
        # UpstreamUnavailable is an UpstreamError too; record it, then let the task decide to retry.
        Mirror.objects.filter(pk=mirror.pk).update(
            status=Mirror.Status.FAILED, status_detail=str(exc)[:2000], tags_synced=done
        )
        raise
    Mirror.objects.filter(pk=mirror.pk).update(
        status=Mirror.Status.OK,
        status_detail=f"{len(tags)} tags in step",
        progress=100,
        tags_synced=len(tags),
        last_synced_at=timezone.now(),
    )
    mirror.refresh_from_db()
    return mirror
