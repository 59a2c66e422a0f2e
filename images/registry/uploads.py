"""`/v2/<name>/blobs/uploads/`: start (monolithic, mount), PATCH chunks, PUT to finish, GET status, DELETE."""

import re
import uuid

from django.http import HttpResponse

from images.errors import NameInvalid, RangeInvalid
from images.oci.digests import digest_validate
from images.registry.dispatch import RegistryView, request_body
from images.registry.errors import Code, RegistryError, registry_error
from images.registry.params import ascii_int
from images.services.blobs import blob_mount
from images.services.repositories import repository_get, repository_name_split
from images.services.uploads import (
    blob_put_monolithic,
    upload_append,
    upload_cancel,
    upload_finish,
    upload_get,
    upload_start,
)

CONTENT_RANGE_RE = re.compile(r"^(?:bytes[ =])?([0-9]+)-([0-9]+)(?:/(?:[0-9]+|\*))?$")


def _range_value(size: int) -> str:
    # As distribution answers: "0-0" for an empty upload, else the last byte offset held.
    return f"0-{max(size - 1, 0)}"


def _upload_response(name: str, upload, status: int) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Location"] = f"/v2/{name}/blobs/uploads/{upload.pk}"
    response["Range"] = _range_value(upload.size)
    response["Docker-Upload-UUID"] = str(upload.pk)
    response["Content-Length"] = "0"
    return response


def _blob_created(name: str, digest: str) -> HttpResponse:
    response = HttpResponse(status=201)
    response["Location"] = f"/v2/{name}/blobs/{digest}"
    response["Docker-Content-Digest"] = digest
    response["Content-Length"] = "0"
    return response


def _content_range(request) -> tuple[int, int] | None:
    raw = request.META.get("HTTP_CONTENT_RANGE")
    if raw is None:
        return None
    match = CONTENT_RANGE_RE.match(raw.strip())
    if not match:
        raise RangeInvalid(content_range=raw[:100])
    return ascii_int(match.group(1)), ascii_int(match.group(2))


class UploadStartView(RegistryView):
    http_method_names = ["post"]

    def post(self, request, name):
        repository = self.repository_for_push()
        mount, source_name = request.GET.get("mount"), request.GET.get("from")
        if mount:
            digest_validate(mount)
            source = None
            if source_name and self.allows("pull", source_name):
                try:
                    source = repository_get(*repository_name_split(source_name))
                except NameInvalid:
                    source = None
            # Without a readable source this falls back to a normal upload (spec: "Mounting a blob
            # from another repository"), unless the blob is already in this repository.
            if (source is not None or not source_name) and blob_mount(
                repository=repository, digest=mount, source=source
            ):
                return _blob_created(name, mount)
        digest = request.GET.get("digest")
        if digest is not None:
            stream, length = request_body(request)
            blob = blob_put_monolithic(repository=repository, digest=digest, stream=stream, length=length)
            return _blob_created(name, blob.digest)
        return _upload_response(name, upload_start(repository=repository), 202)


class UploadView(RegistryView):
    http_method_names = ["get", "head", "patch", "put", "delete"]

    def _upload(self, upload_id):
        try:
            upload_id = uuid.UUID(upload_id)
        except ValueError:
            raise RegistryError(Code.BLOB_UPLOAD_UNKNOWN, {"upload": upload_id[:100]}) from None
        return upload_get(repository=self.repository(), upload_id=upload_id)

    def get(self, request, name, upload_id):
        return _upload_response(name, self._upload(upload_id), 204)

    head = get

    def patch(self, request, name, upload_id):
        upload = self._upload(upload_id)
        stream, length = request_body(request)
        try:
            upload = upload_append(upload=upload, stream=stream, length=length, content_range=_content_range(request))
        except RangeInvalid as invalid:
            # The client resumes from the Range this answer carries (spec: "Resuming an upload");
            # an upload closed meanwhile is BLOB_UPLOAD_UNKNOWN.
            upload = upload_get(repository=self.repository(), upload_id=upload.pk)
            error = registry_error(invalid)
            error.headers.update(
                {"Location": f"/v2/{name}/blobs/uploads/{upload.pk}", "Range": _range_value(upload.size)}
            )
            raise error from None
        return _upload_response(name, upload, 202)

    def put(self, request, name, upload_id):
        upload = self._upload(upload_id)
        stream, length = request_body(request)
        blob = upload_finish(
            upload=upload,
            digest=request.GET.get("digest"),
            stream=stream,
            length=length,
            content_range=_content_range(request),
        )
        return _blob_created(name, blob.digest)

    def delete(self, request, name, upload_id):
        upload_cancel(upload=self._upload(upload_id))
        return HttpResponse(status=204)
