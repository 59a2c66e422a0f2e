"""`/v2/<name>/blobs/<digest>`: GET (with Range), HEAD and DELETE.

Bytes leave by the fastest path the deployment allows (settings.HUB_BLOB_DOWNLOAD): the WSGI
server's sendfile for filesystem storage, nginx's X-Accel-Redirect, or a redirect to a presigned
S3 URL. The Range header is answered here for sendfile; nginx and S3 answer it themselves.
"""

import re

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from images.oci.digests import digest_validate
from images.registry.dispatch import RegistryView
from images.registry.errors import Code, RegistryError
from images.registry.params import ascii_int
from images.selectors.blobs import blob_size_get, manifest_content_get
from images.services.blobs import blob_unlink
from images.storage import blob_path, blob_storage

RANGE_RE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")


class RangeFile:
    """A file limited to `length` bytes from where it stands; fileno() lets gunicorn sendfile it.

    gunicorn sends `Content-Length` bytes from the descriptor's current offset, other servers
    iterate read() and stop at the limit.
    """

    def __init__(self, f, length: int):
        self.f = f
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.f.read(size)
        self.remaining -= len(data)
        return data

    def fileno(self) -> int:
        return self.f.fileno()

    def close(self) -> None:
        self.f.close()


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end) inclusive for a single `bytes=` range; raises RANGE_INVALID when unsatisfiable.

    Numbers past any size saturate (images/registry/params.py): a start beyond the blob is 416, an end
    beyond it is the blob's last byte and a suffix longer than it is the whole blob (RFC 9110, 14.1.2).
    """
    match = RANGE_RE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise _unsatisfiable(header, size)
    first, last = match.groups()
    if first == "":  # suffix: the last N bytes
        start, end = max(0, size - ascii_int(last)), size - 1
    else:
        start, end = ascii_int(first), (ascii_int(last) if last else size - 1)
    end = min(end, size - 1)
    if start > end or start >= size:
        raise _unsatisfiable(header, size)
    return start, end


def _unsatisfiable(header: str, size: int) -> RegistryError:
    return RegistryError(Code.RANGE_INVALID, {"range": header[:100]}, headers={"Content-Range": f"bytes */{size}"})


def _headers(response, digest: str, length: int) -> HttpResponse:
    response["Docker-Content-Digest"] = digest
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = f'"{digest}"'
    response["Cache-Control"] = "max-age=31536000, immutable"
    return response


class BlobView(RegistryView):
    http_method_names = ["get", "head", "delete"]

    def _find(self, digest: str) -> tuple[int | None, bytes | None]:
        """(size, None) of a blob linked to the repository, or (size, content) of a manifest by digest."""
        digest_validate(digest)
        where = {"namespace_name": self.namespace_name, "name": self.repository_name, "digest": digest}
        size = blob_size_get(**where)
        if size is not None:
            return size, None
        content = manifest_content_get(**where)
        if content is None:
            raise RegistryError(Code.BLOB_UNKNOWN, {"digest": digest})
        return len(content), content

    def head(self, request, name, digest):
        size, _ = self._find(digest)
        return _headers(HttpResponse(content_type="application/octet-stream"), digest, size)

    def get(self, request, name, digest):
        size, content = self._find(digest)
        range_header = request.META.get("HTTP_RANGE")
        start, end = parse_range(range_header, size) if range_header and size else (0, size - 1)
        partial = range_header is not None and size > 0
        if content is not None:
            response = HttpResponse(content[start : end + 1], content_type="application/octet-stream")
        else:
            response = self._blob_response(digest, start, end - start + 1)
            if response.status_code == 307 or response.has_header("X-Accel-Redirect"):
                response["Docker-Content-Digest"] = digest
                return response  # nginx or S3 answer Range and length themselves
        if partial:
            response.status_code = 206
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
        return _headers(response, digest, end - start + 1)

    def _blob_response(self, digest: str, start: int, length: int):
        store = blob_storage()
        mode = settings.HUB_BLOB_DOWNLOAD
        if mode == "x-accel":
            response = HttpResponse(content_type="application/octet-stream")
            response["X-Accel-Redirect"] = settings.HUB_X_ACCEL_PREFIX.rstrip("/") + "/" + blob_path(digest)
            return response
        if mode == "redirect" and not store.is_local:
            response = HttpResponseRedirect(store.presigned_url(digest))
            response.status_code = 307
            return response
        if store.is_local:
            try:
                f = open(store.local_path(digest), "rb")  # noqa: SIM115 - FileResponse closes it
            except FileNotFoundError:
                raise RegistryError(Code.BLOB_UNKNOWN, {"digest": digest, "reason": "bytes missing"}) from None
            if start:
                f.seek(start)
            return FileResponse(RangeFile(f, length), content_type="application/octet-stream")
        return StreamingHttpResponse(store.iter_blob(digest, start, length), content_type="application/octet-stream")

    def delete(self, request, name, digest):
        digest_validate(digest)
        blob_unlink(repository=self.repository(), digest=digest)
        response = HttpResponse(status=202)
        response["Docker-Content-Digest"] = digest
        return response
