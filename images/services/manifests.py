"""Manifests: validate and store byte-for-byte, resolve by tag or digest, delete, list referrers."""

import json
import re

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from images.errors import DigestInvalid, ManifestBlobUnknown, ManifestInvalid, ManifestUnknown, TooLarge
from images.models import Manifest, ManifestBlob, ManifestReference, Namespace, Repository, RepositoryBlob, Tag
from images.services.authorization import DELETE, authorize
from images.services.blobs import DIGEST_RE, digest_compute, digest_validate
from images.services.indexing import manifest_index_enqueue
from images.services.tags import TAG_RE, tag_delete, tag_set
from images.services.webhooks import webhooks_on_push

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
IMAGE_TYPES = {OCI_MANIFEST, DOCKER_MANIFEST}
INDEX_TYPES = {OCI_INDEX, DOCKER_LIST}
MANIFEST_TYPES = IMAGE_TYPES | INDEX_TYPES
MANIFEST_MAX_BYTES = 4 * 1024 * 1024
# Layers that registries are not expected to hold (Windows base layers): their bytes live at `urls`.
FOREIGN_LAYER_TYPES = {
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
}
MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")


def _invalid(reason: str, **detail) -> ManifestInvalid:
    return ManifestInvalid(reason=reason, **detail)


def _descriptor(value, where: str) -> dict:
    """A descriptor's fields, checked: mediaType, digest, size."""
    if not isinstance(value, dict):
        raise _invalid(f"{where} is not a descriptor")
    media_type, digest, size = value.get("mediaType"), value.get("digest"), value.get("size")
    if not isinstance(media_type, str) or not MEDIA_TYPE_RE.match(media_type):
        raise _invalid(f"{where}.mediaType is missing or invalid")
    if not isinstance(digest, str) or not DIGEST_RE.match(digest):
        raise _invalid(f"{where}.digest is missing or invalid")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _invalid(f"{where}.size is missing or invalid")
    return value


def manifest_parse(body: bytes, content_type: str) -> dict:
    """Parse and check the shape of a pushed manifest; returns the document with its media type set."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _invalid(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise _invalid("not a JSON object")
    if document.get("schemaVersion") != 2:
        raise _invalid("schemaVersion must be 2")
    declared = document.get("mediaType")
    content_type = (content_type or "").split(";")[0].strip()
    if declared is not None and not isinstance(declared, str):
        raise _invalid("mediaType must be a string")
    if declared and content_type and content_type in MANIFEST_TYPES and declared != content_type:
        raise _invalid("mediaType does not match Content-Type", media_type=declared, content_type=content_type)
    media_type = declared or (content_type if content_type in MANIFEST_TYPES else "")
    if not media_type:
        # An OCI manifest may leave mediaType out; its shape tells which one it is.
        media_type = OCI_INDEX if "manifests" in document else OCI_MANIFEST
    if media_type not in MANIFEST_TYPES:
        raise _invalid("unsupported manifest media type", media_type=media_type)
    if media_type in IMAGE_TYPES:
        _descriptor(document.get("config"), "config")
        layers = document.get("layers")
        if not isinstance(layers, list):
            raise _invalid("layers must be a list")
        for i, layer in enumerate(layers):
            _descriptor(layer, f"layers[{i}]")
    else:
        children = document.get("manifests")
        if not isinstance(children, list):
            raise _invalid("manifests must be a list")
        for i, child in enumerate(children):
            _descriptor(child, f"manifests[{i}]")
            if "platform" in child and not isinstance(child["platform"], dict):
                raise _invalid(f"manifests[{i}].platform must be an object")
    if "subject" in document:
        _descriptor(document["subject"], "subject")
    artifact_type = document.get("artifactType", "")
    if artifact_type and (not isinstance(artifact_type, str) or not MEDIA_TYPE_RE.match(artifact_type)):
        raise _invalid("artifactType is invalid")
    annotations = document.get("annotations")
    if annotations is not None and not isinstance(annotations, dict):
        raise _invalid("annotations must be an object")
    document["mediaType"] = media_type
    return document


@transaction.atomic
def manifest_put(*, repository: Repository, reference: str, content_type: str, body: bytes, pushed_by=None) -> Manifest:
    """Store a manifest pushed by tag or digest; everything it references must be in the repository.

    A `subject` need not exist yet (distribution-spec "Pushing Manifests with Subject").
    """
    if len(body) > MANIFEST_MAX_BYTES:
        raise TooLarge("manifest too big", limit=MANIFEST_MAX_BYTES)
    by_digest = reference.startswith(("sha256:", "sha512:")) or ":" in reference
    if by_digest:
        digest = digest_compute(body, digest_validate(reference))
        if digest != reference:
            raise DigestInvalid(reference=reference, computed=digest)
    else:
        if not TAG_RE.match(reference):
            raise _invalid("invalid tag", tag=reference[:200])
        digest = digest_compute(body)
    document = manifest_parse(body, content_type)
    media_type = document["mediaType"]
    is_index = media_type in INDEX_TYPES

    manifest = Manifest.objects.filter(repository=repository, digest=digest).first()
    if manifest is None:
        manifest = _manifest_create(repository, digest, media_type, document, body, pushed_by, is_index)
    if not by_digest:
        tag_set(repository=repository, name=reference, manifest=manifest, pushed_by=pushed_by)
        webhooks_on_push(repository=repository, tag=reference, manifest=manifest, pushed_by=pushed_by)
    Repository.objects.filter(pk=repository.pk).update(last_pushed_at=timezone.now())
    return manifest


def _manifest_create(repository, digest, media_type, document, body, pushed_by, is_index) -> Manifest:
    subject = document.get("subject") or {}
    config = document.get("config") or {}
    artifact_type = document.get("artifactType") or ""
    if not artifact_type and not is_index:
        # Referrers API: an image manifest without artifactType is listed under its config's type.
        artifact_type = config.get("mediaType", "")
    blobs, children = [], []
    if is_index:
        wanted = [child["digest"] for child in document["manifests"]]
        found = dict(Manifest.objects.filter(repository=repository, digest__in=wanted).values_list("digest", "pk"))
        missing = [d for d in wanted if d not in found]
        if missing:
            raise ManifestBlobUnknown(digests=missing[:20])
        children = [(found[child["digest"]], child.get("platform") or {}) for child in document["manifests"]]
    else:
        descriptors = [config, *document["layers"]]
        wanted = [d["digest"] for d in descriptors if d["mediaType"] not in FOREIGN_LAYER_TYPES or not d.get("urls")]
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
                media_type=media_type,
                artifact_type=artifact_type[:255],
                size=len(body),
                content=body,
                config_digest=config.get("digest", ""),
                subject_digest=subject.get("digest", ""),
                is_index=is_index,
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
                    os=str(platform.get("os", ""))[:64],
                    architecture=str(platform.get("architecture", ""))[:64],
                    variant=str(platform.get("variant", ""))[:64],
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
