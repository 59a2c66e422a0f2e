"""Content-addressed blob store over Django's storage API (filesystem by default, S3 when configured).

Layout inside the "blobs" storage:

    blobs/<algorithm>/<first two hex>/<hex>     verified blob bytes, immutable
    uploads/<upload uuid>/<offset>-<random>     one object per chunk of an upload in progress
    uploads/<upload uuid>/assembled-<random>    the chunks joined, while the digest is checked

S3 has no append, so every PATCH writes its own object and the upload row lists them in order;
finishing joins them (or, for the usual single-chunk upload, moves the one object into place).
On the filesystem a move is a rename, on S3 a server-side copy.
"""

import os
import shutil
from collections.abc import Iterator
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

READ_SIZE = 1024 * 1024


def blob_path(digest: str) -> str:
    algorithm, _, hex_part = digest.partition(":")
    return f"blobs/{algorithm}/{hex_part[:2]}/{hex_part}"


def upload_prefix(upload_id) -> str:
    return f"uploads/{upload_id}/"


class BlobStore:
    def __init__(self, storage: Storage):
        self.storage = storage
        self.is_s3 = hasattr(storage, "bucket") and hasattr(storage, "_normalize_name")
        try:
            storage.path("")
            self.is_local = True
        except NotImplementedError:
            self.is_local = False

    # --- digests ----------------------------------------------------------------------------------
    def exists(self, digest: str) -> bool:
        return self.object_exists(blob_path(digest))

    def open(self, digest: str):
        return self.storage.open(blob_path(digest), "rb")

    def delete(self, digest: str) -> None:
        self.object_delete(blob_path(digest))

    def local_path(self, digest: str) -> str:
        return self.storage.path(blob_path(digest))

    def presigned_url(self, digest: str) -> str:
        return self.storage.url(blob_path(digest))

    def iter_blob(self, digest: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        return self.object_iter(blob_path(digest), start, length)

    def probe(self) -> None:
        """Write, read back and delete a small object: raises when the storage is not usable."""
        name = "health/probe"
        self.storage.save(name, ContentFile(b"ok")) if not self.storage.exists(name) else None
        with self.storage.open(name, "rb") as f:
            if f.read() != b"ok":
                raise OSError("blob storage returned different bytes than were written")
        self.storage.delete(name)

    # --- objects by name --------------------------------------------------------------------------
    def _key(self, name: str) -> str:
        from storages.utils import clean_name

        return self.storage._normalize_name(clean_name(name))

    def object_exists(self, name: str) -> bool:
        return self.storage.exists(name)

    def object_write(self, name: str, reader) -> None:
        """Stream `reader` (anything with read(n)) into a new object, never holding it whole."""
        if self.is_s3:
            from boto3.s3.transfer import TransferConfig

            config = TransferConfig(multipart_threshold=8 * READ_SIZE, multipart_chunksize=8 * READ_SIZE)
            self.storage.bucket.upload_fileobj(reader, self._key(name), Config=config)
            return
        if self.is_local:
            path = self.storage.path(name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb", buffering=0) as out:
                readinto = getattr(reader, "readinto", None)
                if readinto is None:
                    while chunk := reader.read(READ_SIZE):
                        _write_all(out, memoryview(chunk))
                    return
                # One buffer for the whole object: no bytes object per chunk, no copy in Python.
                view = memoryview(bytearray(READ_SIZE))
                while count := readinto(view):
                    _write_all(out, view[:count])
            return
        self.storage.save(name, ContentFile(reader.read()))

    def object_iter(self, name: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        if self.is_s3:
            kwargs = {}
            if start or length is not None:
                end = "" if length is None else str(start + length - 1)
                kwargs["Range"] = f"bytes={start}-{end}"
            body = self.storage.connection.meta.client.get_object(
                Bucket=self.storage.bucket_name, Key=self._key(name), **kwargs
            )["Body"]
            try:
                yield from body.iter_chunks(READ_SIZE)
            finally:
                body.close()
            return
        with self.storage.open(name, "rb") as f:
            if start:
                f.seek(start)
            remaining = length
            while remaining is None or remaining > 0:
                chunk = f.read(READ_SIZE if remaining is None else min(READ_SIZE, remaining))
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def object_move(self, source: str, target: str) -> None:
        """Put `source` at `target` (replacing it) and remove `source`."""
        if self.is_s3:
            client = self.storage.connection.meta.client
            bucket = self.storage.bucket_name
            client.copy({"Bucket": bucket, "Key": self._key(source)}, bucket, self._key(target))
            client.delete_object(Bucket=bucket, Key=self._key(source))
            return
        if self.is_local:
            target_path = self.storage.path(target)
            os.makedirs(os.path.dirname(target_path), exist_ok=True)
            os.replace(self.storage.path(source), target_path)
            return
        with self.storage.open(source, "rb") as f:
            self.storage.save(target, f)
        self.storage.delete(source)

    def object_delete(self, name: str) -> None:
        self.storage.delete(name)

    def prefix_delete(self, prefix: str) -> None:
        """Remove every object under `prefix` (an upload's folder)."""
        if self.is_s3:
            client = self.storage.connection.meta.client
            bucket = self.storage.bucket_name
            paginator = client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=bucket, Prefix=self._key(prefix)):
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            return
        if self.is_local:
            shutil.rmtree(self.storage.path(prefix), ignore_errors=True)
            return
        directories, files = self.storage.listdir(prefix)
        for name in files:
            self.storage.delete(prefix + name)


def _write_all(out, view: memoryview) -> None:
    """Write all of `view` to an unbuffered file (its write may take less than asked)."""
    while view:
        written = out.write(view)
        view = view[written:]


@cache
def blob_storage() -> BlobStore:
    return BlobStore(storages["blobs"])
