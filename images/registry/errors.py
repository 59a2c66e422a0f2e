"""Wire errors of the registry: one row per code, one function writes the envelope.

Codes and statuses follow the "Error Codes" table of opencontainers/distribution-spec (spec.md);
RANGE_INVALID and TOOMANYREQUESTS as distribution/distribution registers them.
"""

import json
from enum import Enum

from django.http import HttpResponse


class Code(Enum):
    BLOB_UNKNOWN = (404, "blob unknown to registry")
    BLOB_UPLOAD_INVALID = (400, "blob upload invalid")
    BLOB_UPLOAD_UNKNOWN = (404, "blob upload unknown to registry")
    DIGEST_INVALID = (400, "provided digest did not match uploaded content")
    MANIFEST_BLOB_UNKNOWN = (404, "manifest references a manifest or blob unknown to registry")
    MANIFEST_INVALID = (400, "manifest invalid")
    MANIFEST_UNKNOWN = (404, "manifest unknown to registry")
    NAME_INVALID = (400, "invalid repository name")
    NAME_UNKNOWN = (404, "repository name not known to registry")
    SIZE_INVALID = (400, "provided length did not match content length")
    RANGE_INVALID = (416, "invalid content range")
    PAGINATION_NUMBER_INVALID = (400, "invalid number of results requested")
    UNAUTHORIZED = (401, "authentication required")
    DENIED = (403, "requested access to the resource is denied")
    UNSUPPORTED = (415, "the operation is unsupported")
    TOOMANYREQUESTS = (429, "too many requests")

    @property
    def status(self) -> int:
        return self.value[0]

    @property
    def message(self) -> str:
        return self.value[1]


class RegistryError(Exception):
    """Raised anywhere below a registry view; the dispatcher turns it into the error envelope."""

    def __init__(
        self,
        code: Code,
        detail=None,
        *,
        message: str | None = None,
        status: int | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message or code.message)
        self.code = code
        self.detail = detail
        self.message = message or code.message
        self.status = status or code.status
        self.headers = headers or {}


def error_response(error: RegistryError, *, head: bool = False) -> HttpResponse:
    body = json.dumps(
        {"errors": [{"code": error.code.name, "message": error.message, "detail": error.detail or {}}]}
    ).encode()
    response = HttpResponse(b"" if head else body, status=error.status, content_type="application/json")
    response["Content-Length"] = str(len(body))
    for name, value in error.headers.items():
        response[name] = value
    return response
