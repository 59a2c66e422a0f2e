"""What went wrong, in the content domain's own words. Services and pure modules raise these.

Each edge says them in its own wire format, from one table each: the registry
(images/registry/errors.py, DOMAIN_CODES) as the OCI error envelope, the Hub API
(images/api/errors.py) as a DRF response, the pages as a readable message. Nothing below the
edges knows about HTTP.

Field rules of forms and API bodies (a description too long, a name taken) stay Django's
ValidationError, and "you may not" stays Django's PermissionDenied, which every edge already
understands; these classes are the rules of content (names, blobs, uploads, digests, manifests,
ranges, sizes) and of registry tokens.

Pure Python: the OCI module (images/oci/) raises these and imports no Django.
"""


class DomainError(Exception):
    """A rule of the domain was broken by what a caller sent.

    `message` is for people; `detail` (small, JSON-able) is for machines and goes into the
    registry's error envelope as it is.
    """

    default_message = "invalid request"

    def __init__(self, message: str | None = None, **detail):
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)


class NameInvalid(DomainError):
    default_message = "invalid repository name"


class NameUnknown(DomainError):
    default_message = "repository name not known to registry"


class BlobUnknown(DomainError):
    default_message = "blob unknown to registry"


class UploadUnknown(DomainError):
    default_message = "blob upload unknown to registry"


class DigestInvalid(DomainError):
    default_message = "provided digest did not match uploaded content"


class SizeInvalid(DomainError):
    default_message = "provided length did not match content length"


class TooLarge(DomainError):
    """More bytes than Hub takes for this kind of content (a manifest over its limit)."""

    default_message = "content too large"


class RangeInvalid(DomainError):
    """A chunk out of order or a range that cannot be served; `size` is what the upload or blob holds."""

    default_message = "invalid content range"


class ManifestInvalid(DomainError):
    default_message = "manifest invalid"


class ManifestUnknown(DomainError):
    default_message = "manifest unknown to registry"


class ManifestBlobUnknown(DomainError):
    default_message = "manifest references a manifest or blob unknown to registry"


class TokenInvalid(DomainError):
    """A registry token that is malformed, forged or expired."""

    default_message = "authentication required"
