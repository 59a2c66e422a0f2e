"""Wire errors of the registry: one row per code, one table from domain errors to codes, one
function writes the envelope.

Codes follow the "Error Codes" table of opencontainers/distribution-spec (spec.md); the spec ties
statuses to endpoints, so each code's status is the one distribution/distribution registers for it
(registry/api/v2/errors.go, registry/api/errcode/register.go), RANGE_INVALID and TOOMANYREQUESTS
included.
"""

import json
from enum import Enum

from django.http import HttpResponse

from images import errors


class Code(Enum):
    BLOB_UNKNOWN = (404, "blob unknown to registry")
    BLOB_UPLOAD_UNKNOWN = (404, "blob upload unknown to registry")
    DIGEST_INVALID = (400, "provided digest did not match uploaded content")
    MANIFEST_BLOB_UNKNOWN = (400, "manifest references a manifest or blob unknown to registry")
    MANIFEST_INVALID = (400, "manifest invalid")
    MANIFEST_UNKNOWN = (404, "manifest unknown to registry")
    NAME_INVALID = (400, "invalid repository name")
    NAME_UNKNOWN = (404, "repository name not known to registry")
    SIZE_INVALID = (400, "provided length did not match content length")
    RANGE_INVALID = (416, "invalid content range")
    PAGINATION_NUMBER_INVALID = (400, "invalid number of results requested")
    UNAUTHORIZED = (401, "authentication required")
    DENIED = (403, "requested access to the resource is denied")
    UNSUPPORTED = (405, "the operation is unsupported")
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


# Every domain error (images/errors.py) as the registry says it: its code and, for the one kind whose
# status differs from its code's, that status.
DOMAIN_CODES: dict[type[errors.DomainError], tuple[Code, int | None]] = {
    errors.NameInvalid: (Code.NAME_INVALID, None),
    errors.NameUnknown: (Code.NAME_UNKNOWN, None),
    errors.BlobUnknown: (Code.BLOB_UNKNOWN, None),
    errors.UploadUnknown: (Code.BLOB_UPLOAD_UNKNOWN, None),
    errors.DigestInvalid: (Code.DIGEST_INVALID, None),
    errors.SizeInvalid: (Code.SIZE_INVALID, None),
    errors.TooLarge: (Code.SIZE_INVALID, 413),  # as distribution answers a manifest over its limit
    errors.RangeInvalid: (Code.RANGE_INVALID, None),
    errors.ManifestInvalid: (Code.MANIFEST_INVALID, None),
    errors.ManifestUnknown: (Code.MANIFEST_UNKNOWN, None),
    errors.ManifestBlobUnknown: (Code.MANIFEST_BLOB_UNKNOWN, None),
    errors.TokenInvalid: (Code.UNAUTHORIZED, None),
}


def registry_error(error: errors.DomainError) -> RegistryError:
    """The wire form of a domain error; a domain error the table lacks is a bug, not a client's fault."""
    code, status = DOMAIN_CODES[type(error)]
    message = error.message if error.message != error.default_message else None
    return RegistryError(code, error.detail or None, message=message, status=status)


def error_response(error: RegistryError, *, head: bool = False) -> HttpResponse:
    body = json.dumps(
        {"errors": [{"code": error.code.name, "message": error.message, "detail": error.detail or {}}]}
    ).encode()
    response = HttpResponse(b"" if head else body, status=error.status, content_type="application/json")
    response["Content-Length"] = str(len(body))
    for name, value in error.headers.items():
        response[name] = value
    return response
