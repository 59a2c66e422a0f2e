"""Manifests: store byte-for-byte, resolve by tag or digest, delete, list referrers.

What a valid manifest is lives in images/oci/manifests.py; this module does the database work: every
blob and child manifest referenced must be in the repository, rows and tags are written in one
transaction, indexing is queued on commit.
"""

import json

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from images.errors import DigestInvalid, ManifestBlobUnknown, ManifestInvalid, ManifestUnknown
from images.models import Manifest, ManifestBlob, ManifestReference, Namespace, Repository, RepositoryBlob, Tag
from images.oci.digests import digest_compute, digest_validate
from images.oci.manifests import ImageIndex, ImageManifest, manifest_parse, manifest_size_check
from images.services.authorization import DELETE, authorize
from images.services.indexing import manifest_index_enqueue
from images.services.posture import repository_posture_refresh
from images.services.repository_contents import repository_contents_refresh
from images.services.tags import TAG_RE, tag_delete, tag_set
from images.services.webhooks import webhooks_on_push

# The registry's views take the limit and the referrers' media type from here, with the services they call.


@transaction.atomic
def manifest_put(*, repository: Repository, reference: str, content_type: str, body: bytes, pushed_by=None) -> Manifest:
    """Store a manifest pushed by tag or digest; everything it references must be in the repository.

    A `subject` need not exist yet (distribution-spec "Pushing Manifests with Subject").
    """
    manifest_size_check(len(body))
    by_digest = reference.startswith(("sha256:", "sha512:")) or ":" in reference
    if by_digest:
        digest = digest_compute(body, digest_validate(reference))
        if digest != reference:
            raise DigestInvalid(reference=reference, computed=digest)
    else:
        if not TAG_RE.match(reference):
            raise ManifestInvalid(reason="invalid tag", tag=reference[:200])
        digest = digest_compute(body)
    parsed = manifest_parse(body, content_type)

    manifest = Manifest.objects.filter(repository=repository, digest=digest).first()
    if manifest is None:
        manifest = _manifest_create(repository, digest, parsed, body, pushed_by)
    if not by_digest:
        tag_set(repository=repository, name=reference, manifest=manifest, pushed_by=pushed_by)
        webhooks_on_push(repository=repository, tag=reference, manifest=manifest, pushed_by=pushed_by)
    Repository.objects.filter(pk=repository.pk).update(last_pushed_at=timezone.now())
    return manifest


def _manifest_create(repository, digest, parsed: ImageManifest | ImageIndex, body, pushed_by) -> Manifest:
    blobs, children = [], []
    if parsed.is_index:
        wanted = [child.digest for child in parsed.manifests]
        found = dict(Manifest.objects.filter(repository=repository, digest__in=wanted).values_list("digest", "pk"))
        missing = [d for d in wanted if d not in found]
        if missing:
            raise ManifestBlobUnknown(digests=missing[:20])
        children = [(found[child.digest], child.platform) for child in parsed.manifests]
    else:
        wanted = [descriptor.digest for descriptor in parsed.blobs]
        found = dict(
            RepositoryBlob.objects.filter(repository=repository, blob__digest__in=wanted).values_list(
                "blob__digest", "blob_id"
            )
        )
        missing = [d for d in wanted if d not in found]
        if missing:
            raise ManifestBlobUnknown(digests=missing[:20])
        blobs = [found[d] for d in wanted]
    try:
        with transaction.atomic():
            manifest = Manifest.objects.create(
                repository=repository,
                digest=digest,
                media_type=parsed.media_type,
                # Referrers API: an image manifest without artifactType is listed under its config's type.
                artifact_type=parsed.referrer_type,
                size=len(body),
                content=body,
                config_digest="" if parsed.is_index else parsed.config.digest,
                subject_digest=parsed.subject.digest if parsed.subject else "",
                is_index=parsed.is_index,
                pushed_by=pushed_by,
            )
            ManifestBlob.objects.bulk_create(
                ManifestBlob(manifest=manifest, blob_id=blob_id, position=i) for i, blob_id in enumerate(blobs)
            )
            ManifestReference.objects.bulk_create(
                ManifestReference(
                    parent=manifest,
                    child_id=child_id,
                    position=i,
                    os=platform.os[:64] if platform else "",
                    architecture=platform.architecture[:64] if platform else "",
                    variant=platform.variant[:64] if platform else "",
                )
                for i, (child_id, platform) in enumerate(children)
            )
    except IntegrityError:
        # A concurrent push stored the same manifest, or garbage collection freed a blob between
        # the check above and this insert; the client retries and re-uploads what is missing.
        existing = Manifest.objects.filter(repository=repository, digest=digest).first()
        if existing is None:
            raise ManifestBlobUnknown(digest=digest) from None
        return existing
    manifest_index_enqueue(manifest=manifest)
    return manifest


def _lookup_sql(by: str) -> str:
    manifest, repository = Manifest._meta.db_table, Repository._meta.db_table
    namespace, tag = Namespace._meta.db_table, Tag._meta.db_table
    join = f"JOIN {tag} t ON t.manifest_id = m.id AND t.name = %s" if by == "tag" else ""
    where = "" if by == "tag" else "AND m.digest = %s"
    return (
        f"SELECT m.id, m.repository_id, m.digest, m.media_type, m.content FROM {manifest} m "  # noqa: S608 - table names from models
        f"JOIN {repository} r ON r.id = m.repository_id JOIN {namespace} n ON n.id = r.namespace_id {join} "
        f"WHERE n.name = %s AND r.name = %s {where} LIMIT 1"
    )


# The busiest query Hub runs (every pull starts with it): plain SQL, built once, so the ORM's
# query compilation is not paid per request.
LOOKUP_BY_TAG = _lookup_sql("tag")
LOOKUP_BY_DIGEST = _lookup_sql("digest")


def manifest_lookup(*, namespace_name: str, name: str, reference: str):
    """(id, repository_id, digest, media_type, content) for a tag or digest, in one query; None if unknown."""
    with connection.cursor() as cursor:
        if ":" in reference:
            cursor.execute(LOOKUP_BY_DIGEST, [namespace_name, name, reference])
        else:
            cursor.execute(LOOKUP_BY_TAG, [reference, namespace_name, name])
        return cursor.fetchone()


def manifest_delete(*, actor, repository: Repository, reference: str) -> None:
    """DELETE by digest removes the manifest and its tags; by tag removes only the tag (tags.tag_delete)."""
    if ":" not in reference:
        tag_delete(actor=actor, repository=repository, tag=reference)
        return
    digest_validate(reference)
    authorize(actor, DELETE, repository=repository, message=f"you may not delete manifests of {repository.full_name}")
    deleted, _ = Manifest.objects.filter(repository=repository, digest=reference).delete()
    if not deleted:
        raise ManifestUnknown(digest=reference)
    repository_posture_refresh(repository)  # its tags went with it
    repository_contents_refresh(repository_ids=[repository.pk])


def referrer_list(*, repository: Repository, digest: str, artifact_type: str | None = None) -> list[dict]:
    """Descriptors of the manifests whose `subject` is `digest`, optionally of one artifactType."""
    digest_validate(digest)
    rows = Manifest.objects.filter(repository=repository, subject_digest=digest)
    if artifact_type:
        rows = rows.filter(artifact_type=artifact_type)
    descriptors = []
    for media_type, ref_digest, size, ref_type, content in rows.order_by("pk").values_list(
        "media_type", "digest", "size", "artifact_type", "content"
    ):
        descriptor = {"mediaType": media_type, "digest": ref_digest, "size": size}
        if ref_type:
            descriptor["artifactType"] = ref_type
        annotations = json.loads(bytes(content)).get("annotations")
        if annotations:
            descriptor["annotations"] = annotations
        descriptors.append(descriptor)
    return descriptors
