"""`/v2/<name>/manifests/<reference>`: PUT, GET/HEAD (content negotiation by Accept), DELETE."""

from django.http import HttpResponse

from images.oci.manifests import MANIFEST_MAX_BYTES, manifest_size_check
from images.registry.dispatch import RegistryView, request_body
from images.registry.errors import Code, RegistryError
from images.services.manifests import manifest_delete, manifest_lookup, manifest_put
from images.services.pulls import pull_record


def _acceptable(accept: str, media_type: str) -> bool:
    """True when the Accept header allows `media_type` (no header, or a wildcard, allows all)."""
    if not accept:
        return True
    for item in accept.split(","):
        value = item.split(";")[0].strip()
        if value in (media_type, "*/*", "application/*") or not value:
            return True
    return False


class ManifestView(RegistryView):
    http_method_names = ["get", "head", "put", "delete"]

    def _lookup(self, request, reference: str):
        row = manifest_lookup(namespace_name=self.namespace_name, name=self.repository_name, reference=reference)
        if row is None:
            self.repository()  # NAME_UNKNOWN when the repository itself is missing
            raise RegistryError(Code.MANIFEST_UNKNOWN, {"reference": reference[:200]})
        manifest_id, repository_id, digest, media_type, content = row
        accept = request.META.get("HTTP_ACCEPT", "")
        if not _acceptable(accept, media_type):
            raise RegistryError(
                Code.MANIFEST_UNKNOWN, {"reason": "not available in an accepted media type", "media_type": media_type}
            )
        return repository_id, digest, media_type, bytes(content)

    def _response(self, digest, media_type, content, *, head: bool) -> HttpResponse:
        response = HttpResponse(b"" if head else content, content_type=media_type)
        response["Docker-Content-Digest"] = digest
        response["Content-Length"] = str(len(content))
        response["ETag"] = f'"{digest}"'
        return response

    def get(self, request, name, reference):
        repository_id, digest, media_type, content = self._lookup(request, reference)
        pull_record(repository_id=repository_id, tag=None if ":" in reference else reference)
        return self._response(digest, media_type, content, head=False)

    def head(self, request, name, reference):
        _, digest, media_type, content = self._lookup(request, reference)
        return self._response(digest, media_type, content, head=True)

    def put(self, request, name, reference):
        stream, length = request_body(request)
        if length is not None:
            manifest_size_check(length)  # before reading: a declared size over the limit is refused unread
        body = stream.read(MANIFEST_MAX_BYTES + 1) if length is None else stream.read(length)
        repository = self.repository_for_push()
        manifest = manifest_put(
            repository=repository,
            reference=reference,
            content_type=request.META.get("CONTENT_TYPE", ""),
            body=body,
            pushed_by=self.pusher(),
        )
        response = HttpResponse(status=201)
        response["Location"] = f"/v2/{name}/manifests/{manifest.digest}"
        response["Docker-Content-Digest"] = manifest.digest
        response["Content-Length"] = "0"
        if manifest.subject_digest:
            response["OCI-Subject"] = manifest.subject_digest
        return response

    def delete(self, request, name, reference):
        manifest_delete(actor=self.agent(), repository=self.repository(), reference=reference)
        return HttpResponse(status=202)
