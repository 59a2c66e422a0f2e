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

from images.errors import DigestInvalid, RangeInvalid, SizeInvalid, UploadUnknown
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


def _range_check(offset: int, length: int | None, content_range: tuple[int, int] | None) -> None:
    """A chunk's Content-Range must start where the upload stands and span its Content-Length."""
    if content_range is None:
        return
    start, end = content_range
    if start != offset or end < start:
        raise RangeInvalid(size=offset)
    if length is not None and end - start + 1 != length:
        raise SizeInvalid(content_range=f"{start}-{end}", content_length=length)


def _chunk_write(upload: Upload, offset: int, stream, length: int | None, algorithm: str):
    """Store the request body as the chunk object at `offset`: (its name, or None when the body was
    empty, and the reader that hashed and counted it)."""
    store = blob_storage()
    name = f"{upload_prefix(upload.pk)}{offset:020d}-{uuid.uuid4().hex}"
    reader = HashingReader(stream, algorithm, limit=length)
    store.object_write(name, reader)
    if length is not None and reader.count != length:
        store.object_delete(name)
        raise SizeInvalid(expected=length, received=reader.count)
    if reader.count == 0:
        store.object_delete(name)
        return None, reader
    return name, reader


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
    _range_check(offset, length, content_range)
    name, reader = _chunk_write(upload, offset, stream, length, algorithm)
    if name is None:
        return upload
    chunks = [*upload.chunks, name]
    digest = reader.digest if offset == 0 else ""
    # The condition on `size` makes this the only writer at this offset; a concurrent PATCH loses,
    # and so does one that comes after a PUT closed the upload (the row is gone).
    committed = Upload.objects.filter(pk=upload.pk, size=offset).update(
        size=offset + reader.count, chunks=chunks, digest=digest, updated_at=timezone.now()
    )
    if not committed:
        blob_storage().object_delete(name)
        try:
            upload.refresh_from_db()
        except Upload.DoesNotExist:
            raise UploadUnknown(upload=str(upload.pk)) from None
        raise RangeInvalid(size=upload.size)
    upload.size, upload.chunks, upload.digest = offset + reader.count, chunks, digest
    return upload


def _claim(upload: Upload) -> None:
    """Take the upload for closing: delete its row, on condition that it still holds what `upload` read.

    Two PUTs may close one upload at once (a client retrying, or two clients), each on its own web
    process. The row is the lock: DELETE ... WHERE id AND size is atomic on PostgreSQL (the second
    DELETE waits for the first to commit, then finds nothing) and on SQLite (writers take turns), so
    exactly one request deletes it and owns the chunk objects from then on; the other answers
    BLOB_UPLOAD_UNKNOWN before touching storage. A row lock held while hashing and moving instead
    would hold SQLite's one write lock for as long as a large blob takes. The size condition keeps a
    PATCH that landed after `upload` was read from being closed over. Once claimed, the upload is
    closed whatever happens next: a digest mismatch or a short final chunk ends it, as a digest
    mismatch always did.
    """
    if Upload.objects.filter(pk=upload.pk, size=upload.size).delete()[0]:
        return
    current = Upload.objects.filter(pk=upload.pk).values_list("size", flat=True).first()
    if current is None:
        raise UploadUnknown(upload=str(upload.pk))
    raise RangeInvalid(size=current)


def upload_finish(
    *,
    upload: Upload,
    digest: str | None,
    stream=None,
    length: int | None = 0,
    content_range: tuple[int, int] | None = None,
) -> Blob:
    """Close an upload: claim it, append the last chunk if the PUT carries one, check the digest, publish.

    The spec lets clients send the final chunk in the closing PUT ("Pushing a blob in chunks"),
    so that chunk is appended before the digest is checked. The blob row (what makes it visible)
    is written only after its bytes sit at their final place in storage.
    """
    algorithm = digest_validate(digest)
    final_chunk = stream is not None and length != 0
    if final_chunk:
        _range_check(upload.size, length, content_range)
    _claim(upload)
    store = blob_storage()
    try:
        chunks, size, first_digest = list(upload.chunks), upload.size, upload.digest
        if final_chunk:
            name, reader = _chunk_write(upload, size, stream, length, algorithm if size == 0 else "sha256")
            if name is not None:
                chunks.append(name)
                first_digest = reader.digest if size == 0 else ""
                size += reader.count
        computed, source = _digest_of(upload, chunks, first_digest, algorithm)
        if computed != digest:
            raise DigestInvalid(digest=digest, computed=computed)
        if not Blob.objects.filter(digest=digest).exists() or not store.exists(digest):
            if source is None:
                store.object_write(blob_path(digest), io.BytesIO(b""))
            else:
                store.object_move(source, blob_path(digest))
        with transaction.atomic():
            blob = blob_register(digest=digest, size=size)
            blob_link(repository=upload.repository, blob=blob)
        return blob
    finally:
        store.prefix_delete(upload_prefix(upload.pk))


def _digest_of(upload: Upload, chunks: list[str], first_digest: str, algorithm: str) -> tuple[str, str | None]:
    """(digest of the upload's bytes, the one storage object that holds them all, None when empty)."""
    store = blob_storage()
    if not chunks:
        return f"{algorithm}:{hashlib.new(algorithm).hexdigest()}", None
    if len(chunks) == 1 and first_digest.startswith(f"{algorithm}:"):
        return first_digest, chunks[0]
    if len(chunks) == 1:
        hasher = HashingReader(ChainReader(store.object_iter(chunks[0])), algorithm)
        buffer = bytearray(READ_SIZE)
        while hasher.readinto(buffer):
            pass
        return hasher.digest, chunks[0]
    source = f"{upload_prefix(upload.pk)}assembled-{uuid.uuid4().hex}"
    hasher = HashingReader(ChainReader(piece for name in chunks for piece in store.object_iter(name)), algorithm)
    store.object_write(source, hasher)
    return hasher.digest, source


def blob_put_monolithic(*, repository: Repository, digest: str | None, stream, length: int | None) -> Blob:
    """POST ?digest=: the whole blob in one request (upload_finish cleans up after itself)."""
    digest_validate(digest)
    return upload_finish(upload=upload_start(repository=repository), digest=digest, stream=stream, length=length)


def _release(upload: Upload) -> bool:
    """Delete the upload and its chunks; False when it was gone already (a PUT claimed it and
    cleans up itself: its chunks must not be deleted under it)."""
    if not Upload.objects.filter(pk=upload.pk).delete()[0]:
        return False
    blob_storage().prefix_delete(upload_prefix(upload.pk))
    return True


def upload_cancel(*, upload: Upload) -> None:
    if not _release(upload):
        raise UploadUnknown(upload=str(upload.pk))


def upload_expire(*, older_than: timedelta) -> int:
    """Cancel uploads nobody has written to for `older_than`; returns how many."""
    stale = Upload.objects.filter(updated_at__lt=timezone.now() - older_than)
    return sum(_release(upload) for upload in stale)
