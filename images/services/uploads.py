"""Blob uploads: start, append chunks, finish (verify the digest, then publish), cancel, expire.

An upload's state is its row and its chunk objects in storage, never process memory: each
request may land on a different web process (DESIGN.md, "Processes").
"""

import hashlib
import io
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from images.errors import DigestInvalid, DomainError, RangeInvalid, SizeInvalid, UploadUnknown
from images.models import Blob, Repository, Upload
from images.oci.digests import digest_validate
from images.services.blobs import blob_link, blob_register
from images.storage import READ_SIZE, blob_path, blob_storage, upload_prefix


class HashingReader:
    """Reads at most `limit` bytes from `source`, hashing and counting them on the way.

    `readinto` hashes the bytes in the caller's buffer, so a copy loop that reuses one buffer
    allocates nothing per chunk; `read` is there for consumers that want bytes (boto3).
    """

    def __init__(self, source, algorithm: str = "sha256", limit: int | None = None):
        self.source = source
        self.algorithm = algorithm
        self.hash = hashlib.new(algorithm)
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        if self.limit is not None:
            remaining = self.limit - self.count
            if remaining <= 0:
                return b""
            size = remaining if size is None or size < 0 else min(size, remaining)
        data = self.source.read(size)
        if data:
            self.hash.update(data)
            self.count += len(data)
        return data

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        if self.limit is not None:
            remaining = self.limit - self.count
            if remaining <= 0:
                return 0
            if remaining < len(view):
                view = view[:remaining]
        readinto = getattr(self.source, "readinto", None)
        if readinto is None:
            data = self.source.read(len(view))
            count = len(data)
            view[:count] = data
        else:
            count = readinto(view) or 0
        if count:
            self.hash.update(view[:count])
            self.count += count
        return count

    @property
    def digest(self) -> str:
        return f"{self.algorithm}:{self.hash.hexdigest()}"


class ChainReader:
    """A file-like view over an iterator of byte strings (the chunk objects of an upload, in order).

    read(n) returns n bytes unless the pieces run out (boto3 sizes multipart parts by it);
    readinto copies from the current piece without joining pieces.
    """

    def __init__(self, pieces):
        self.pieces = iter(pieces)
        self.piece = b""
        self.offset = 0

    def _current(self) -> memoryview | None:
        while self.offset >= len(self.piece):
            piece = next(self.pieces, None)
            if piece is None:
                self.piece, self.offset = b"", 0
                return None
            self.piece, self.offset = piece, 0
        return memoryview(self.piece)[self.offset :]

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view):
            current = self._current()
            if current is None:
                break
            count = min(len(current), len(view) - filled)
            view[filled : filled + count] = current[:count]
            self.offset += count
            filled += count
        return filled

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            current = self._current()
            if current is None:
                break
            count = len(current) if wanted is None else min(len(current), wanted)
            parts.append(current[:count])
            self.offset += count
            if wanted is not None:
                wanted -= count
        return b"".join(parts)


def upload_start(*, repository: Repository) -> Upload:
    return Upload.objects.create(repository=repository)


def upload_get(*, repository: Repository, upload_id) -> Upload:
    upload = Upload.objects.filter(pk=upload_id, repository=repository).first()
    if upload is None:
        raise UploadUnknown(upload=str(upload_id))
    return upload


def upload_append(
    *,
    upload: Upload,
    stream,
    length: int | None,
    content_range: tuple[int, int] | None = None,
    algorithm: str = "sha256",
) -> Upload:
    """Store the next chunk. `length` None means read to the end (a chunked request body).

    Out-of-order chunks raise RangeInvalid; the caller answers with the current Range.
    """
    offset = upload.size
    if content_range is not None:
        start, end = content_range
        if start != offset or end < start:
            raise RangeInvalid(size=offset)
        if length is not None and end - start + 1 != length:
            raise SizeInvalid(content_range=f"{start}-{end}", content_length=length)
    store = blob_storage()
    name = f"{upload_prefix(upload.pk)}{offset:020d}-{uuid.uuid4().hex}"
    reader = HashingReader(stream, algorithm, limit=length)
    store.object_write(name, reader)
    if length is not None and reader.count != length:
        store.object_delete(name)
        raise SizeInvalid(expected=length, received=reader.count)
    if reader.count == 0:
        store.object_delete(name)
        return upload
    chunks = [*upload.chunks, name]
    digest = reader.digest if offset == 0 else ""
    # The condition on `size` makes this the only writer at this offset; a concurrent PATCH loses.
    committed = Upload.objects.filter(pk=upload.pk, size=offset).update(
        size=offset + reader.count, chunks=chunks, digest=digest, updated_at=timezone.now()
    )
    if not committed:
        store.object_delete(name)
        upload.refresh_from_db()
        raise RangeInvalid(size=upload.size)
    upload.size, upload.chunks, upload.digest = offset + reader.count, chunks, digest
    return upload


def upload_finish(
    *,
    upload: Upload,
    digest: str | None,
    stream=None,
    length: int | None = 0,
    content_range: tuple[int, int] | None = None,
) -> Blob:
    """Close an upload: append the last chunk if the PUT carries one, check the digest, publish.

    The spec lets clients send the final chunk in the closing PUT ("Pushing a blob in chunks"),
    so that chunk is appended before the digest is checked. The blob row (what makes it visible)
    is written only after its bytes sit at their final place in storage.
    """
    algorithm = digest_validate(digest)
    if stream is not None and length != 0:
        upload = upload_append(
            upload=upload,
            stream=stream,
            length=length,
            content_range=content_range,
            algorithm=algorithm if upload.size == 0 else "sha256",
        )
    store = blob_storage()
    chunks = list(upload.chunks)
    source = None
    if not chunks:
        computed = f"{algorithm}:{hashlib.new(algorithm).hexdigest()}"
    elif len(chunks) == 1 and upload.digest.startswith(f"{algorithm}:"):
        computed, source = upload.digest, chunks[0]
    elif len(chunks) == 1:
        hasher = HashingReader(ChainReader(store.object_iter(chunks[0])), algorithm)
        buffer = bytearray(READ_SIZE)
        while hasher.readinto(buffer):
            pass
        computed, source = hasher.digest, chunks[0]
    else:
        source = f"{upload_prefix(upload.pk)}assembled-{uuid.uuid4().hex}"
        hasher = HashingReader(ChainReader(piece for name in chunks for piece in store.object_iter(name)), algorithm)
        store.object_write(source, hasher)
        computed = hasher.digest
    if computed != digest:
        upload_cancel(upload=upload)
        raise DigestInvalid(digest=digest, computed=computed)

    if not Blob.objects.filter(digest=digest).exists() or not store.exists(digest):
        if source is None:
            store.object_write(blob_path(digest), io.BytesIO(b""))
        else:
            store.object_move(source, blob_path(digest))
    with transaction.atomic():
        blob = blob_register(digest=digest, size=upload.size)
        blob_link(repository=upload.repository, blob=blob)
        Upload.objects.filter(pk=upload.pk).delete()
    store.prefix_delete(upload_prefix(upload.pk))
    return blob


def blob_put_monolithic(*, repository: Repository, digest: str | None, stream, length: int | None) -> Blob:
    """POST ?digest=: the whole blob in one request."""
    digest_validate(digest)
    upload = upload_start(repository=repository)
    try:
        return upload_finish(upload=upload, digest=digest, stream=stream, length=length)
    except DomainError:
        upload_cancel(upload=upload)
        raise


def upload_cancel(*, upload: Upload) -> None:
    Upload.objects.filter(pk=upload.pk).delete()
    blob_storage().prefix_delete(upload_prefix(upload.pk))


def upload_expire(*, older_than: timedelta) -> int:
    """Cancel uploads nobody has written to for `older_than`; returns how many."""
    stale = list(Upload.objects.filter(updated_at__lt=timezone.now() - older_than))
    for upload in stale:
        upload_cancel(upload=upload)
    return len(stale)
