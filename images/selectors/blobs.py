"""Reads of content by digest for the registry's blob endpoint."""

from images.models import Blob, Manifest


def blob_size_get(*, namespace_name: str, name: str, digest: str) -> int | None:
    """The size of a blob readable through the repository, or None."""
    return (
        Blob.objects.filter(
            digest=digest,
            repository_links__repository__namespace__name=namespace_name,
            repository_links__repository__name=name,
        )
        .values_list("size", flat=True)
        .first()
    )


def manifest_content_get(*, namespace_name: str, name: str, digest: str) -> bytes | None:
    """A manifest's stored bytes by digest (some clients read manifests through the blob endpoint)."""
    content = (
        Manifest.objects.filter(digest=digest, repository__namespace__name=namespace_name, repository__name=name)
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None
