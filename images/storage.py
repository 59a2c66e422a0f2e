"""Content-addressed blob store over Django's storage API (filesystem by default, S3 when configured).

Layout inside the "blobs" storage:

    blobs/<algorithm>/<first two hex>/<hex>     verified blob bytes, immutable
    uploads/<upload uuid>/data                  an upload in progress
"""

from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages


def blob_path(digest: str) -> str:
    algorithm, _, hex_part = digest.partition(":")
    return f"blobs/{algorithm}/{hex_part[:2]}/{hex_part}"


class BlobStore:
    def __init__(self, storage: Storage):
        self.storage = storage

    def exists(self, digest: str) -> bool:
        return self.storage.exists(blob_path(digest))

    def open(self, digest: str):
        return self.storage.open(blob_path(digest), "rb")

    def delete(self, digest: str) -> None:
        self.storage.delete(blob_path(digest))

    def probe(self) -> None:
        """Write, read back and delete a small object: raises when the storage is not usable."""
        name = "health/probe"
        self.storage.save(name, ContentFile(b"ok")) if not self.storage.exists(name) else None
        with self.storage.open(name, "rb") as f:
            if f.read() != b"ok":
                raise OSError("blob storage returned different bytes than were written")
        self.storage.delete(name)


@cache
def blob_storage() -> BlobStore:
    return BlobStore(storages["blobs"])
