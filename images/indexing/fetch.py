"""A client for any OCI / Docker registry: what mirroring uses to pull images from upstream.

Pure of Django: it speaks HTTP with `requests` and returns bytes and streams. It follows the
Docker token flow (a 401 with `WWW-Authenticate: Bearer realm=...,service=...,scope=...` sends it
to the realm, anonymously or with Basic credentials, and it retries with the token), handles
Basic challenges, and verifies every digest it is given.

Bounds: what an upstream answers is read up to a limit (``MANIFEST_MAX_BYTES`` for manifests,
``MAX_JSON_BYTES`` for token, tag-list and error answers) and its JSON decoded with ``documents``
(nesting bounded); anything else is an ``UpstreamError`` saying what was wrong.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import requests

from images.documents import DocumentError, load_json_object, size_text
from images.oci.manifests import MANIFEST_MAX_BYTES
from images.oci.media_types import MANIFEST_ACCEPT

MAX_JSON_BYTES = 4 << 20  # a token, a page of at most 1000 tag names, an error list
CHUNK = 1 << 20
TIMEOUT = (10, 60)  # connect, read

_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')
_REFERENCE = re.compile(
    r"^(?:(?P<registry>[^/]+(?:\.[^/]+|:\d+)|localhost)/)?(?P<repository>[a-z0-9][a-z0-9._/-]*?)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>[a-z0-9]+:[a-fA-F0-9]+))?$"
)
DOCKER_HUB = "registry-1.docker.io"


class UpstreamError(Exception):
    """The upstream said no in a way that retrying will not change (unknown name, denied ...)."""


class UpstreamUnavailable(UpstreamError):
    """A transient failure (network, 5xx, 429): retry later."""


class DigestMismatch(UpstreamError):
    """The bytes received are not the ones the digest names."""


@dataclass(frozen=True)
class ImageReference:
    registry: str
    repository: str
    tag: str = ""
    digest: str = ""

    @property
    def reference(self) -> str:
        return self.digest or self.tag or "latest"

    def __str__(self) -> str:
        suffix = f"@{self.digest}" if self.digest else f":{self.tag}" if self.tag else ""
        return f"{self.registry}/{self.repository}{suffix}"


def parse_reference(text: str) -> ImageReference:
    """`registry.example.org/ns/name[:tag][@digest]`; no registry means Docker Hub, as the CLI reads it."""
    match = _REFERENCE.match(text.strip())
    if not match:
        raise ValueError(f"not an image reference: {text!r}")
    registry = match["registry"] or DOCKER_HUB
    repository = match["repository"]
    if registry in ("docker.io", "index.docker.io"):
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    return ImageReference(registry, repository, match["tag"] or "", match["digest"] or "")


def digest_of(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def default_scheme(registry: str) -> str:
    """Loopback registries speak plain HTTP, as Docker treats 127.0.0.0/8 as insecure by default."""
    host = registry.rsplit(":", 1)[0] if registry.count(":") == 1 else registry
    return "http" if host in ("localhost", "::1", "[::1]") or host.startswith("127.") else "https"


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = header.partition(" ")
    return scheme.lower(), dict(_CHALLENGE_PARAM.findall(rest))


class RegistryClient:
    def __init__(self, registry: str, *, username: str = "", password: str = "", scheme: str = ""):
        self.base = f"{scheme or default_scheme(registry)}://{registry}"
        self.auth = (username, password) if username else None
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "hub-mirror/1"
        self._tokens: dict[str, str] = {}  # scope -> bearer token

    # --- transport -------------------------------------------------------------------------------
    def _request(self, method: str, path: str, *, scope: str, headers=None, stream=False) -> requests.Response:
        url = urljoin(self.base, path)
        headers = dict(headers or {})
        for attempt in range(2):
            if token := self._tokens.get(scope):
                headers["Authorization"] = f"Bearer {token}"
            try:
                response = self.session.request(
                    method, url, headers=headers, stream=stream, timeout=TIMEOUT, allow_redirects=True
                )
            except requests.RequestException as exc:
                raise UpstreamUnavailable(f"{self.base}: {exc}") from exc
            if response.status_code == 401 and attempt == 0:
                response.close()
                self._authenticate(response.headers.get("WWW-Authenticate", ""), scope)
                if self.auth and not self._tokens.get(scope):
                    headers.pop("Authorization", None)
                continue
            break
        if response.status_code in (429,) or response.status_code >= 500:
            response.close()
            raise UpstreamUnavailable(f"{method} {url}: HTTP {response.status_code}")
        if response.status_code >= 400:
            detail = _error_text(response)
            raise UpstreamError(f"{method} {url}: HTTP {response.status_code} {detail}".strip())
        return response

    def _authenticate(self, challenge: str, scope: str) -> None:
        scheme, params = parse_challenge(challenge)
        if scheme == "basic":
            if not self.auth:
                raise UpstreamError(f"{self.base} asks for credentials and none were given")
            self.session.auth = self.auth
            return
        if scheme != "bearer" or "realm" not in params:
            raise UpstreamError(f"{self.base} answered 401 with no usable challenge: {challenge!r}")
        query = {"service": params.get("service", ""), "scope": params.get("scope") or scope}
        try:
            response = requests.get(params["realm"], params=query, auth=self.auth, timeout=TIMEOUT, stream=True)
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"token service {params['realm']}: {exc}") from exc
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"token service {params['realm']}: HTTP {response.status_code}")
        if response.status_code != 200:
            raise UpstreamError(f"token service {params['realm']} refused: HTTP {response.status_code}")
        body = _json_of(response, f"token service {params['realm']}")
        token = body.get("token") or body.get("access_token")
        if not token or not isinstance(token, str):
            raise UpstreamError(f"token service {params['realm']} answered without a token")
        self._tokens[scope] = token

    # --- API -------------------------------------------------------------------------------------
    def manifest_get(self, repository: str, reference: str) -> tuple[bytes, str, str]:
        """(bytes exactly as served, media type, digest). A digest reference is verified."""
        response = self._request(
            "GET",
            f"/v2/{repository}/manifests/{reference}",
            scope=f"repository:{repository}:pull",
            headers={"Accept": ", ".join(MANIFEST_ACCEPT)},
            stream=True,
        )
        with response:
            body = _read_bounded(response, MANIFEST_MAX_BYTES, "manifest")
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if reference.count(":") == 1 and not reference.startswith(":"):
            algorithm = reference.split(":", 1)[0]
            digest = digest_of(body, algorithm)
            if digest != reference:
                raise DigestMismatch(f"manifest {repository}@{reference} arrived as {digest}")
        else:
            digest = digest_of(body)
        return body, media_type, digest

    def tags_list(self, repository: str) -> list[str]:
        tags: list[str] = []
        path = f"/v2/{repository}/tags/list?n=1000"
        while path:
            response = self._request("GET", path, scope=f"repository:{repository}:pull", stream=True)
            page = _json_of(response, f"tag list of {repository}").get("tags") or []
            if not isinstance(page, list) or not all(isinstance(tag, str) for tag in page):
                raise UpstreamError(f"tag list of {repository} is not a list of names")
            tags.extend(page)
            path = _next_link(response.headers.get("Link", ""))
        return tags

    def blob_open(self, repository: str, digest: str) -> "VerifiedStream":
        response = self._request(
            "GET", f"/v2/{repository}/blobs/{digest}", scope=f"repository:{repository}:pull", stream=True
        )
        return VerifiedStream(response, digest)


class VerifiedStream:
    """A blob download read in chunks; reading past the end checks the digest and raises on mismatch."""

    def __init__(self, response: requests.Response, digest: str):
        self.response = response
        self.digest = digest
        self.hasher = hashlib.new(digest.split(":", 1)[0])
        self.size = 0
        self._chunks: Iterator[bytes] = response.iter_content(CHUNK)
        self._buffer = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._finish()
                break
            except requests.RequestException as exc:
                raise UpstreamUnavailable(f"blob {self.digest}: {exc}") from exc
            self.hasher.update(chunk)
            self.size += len(chunk)
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _finish(self) -> None:
        self._done = True
        actual = f"{self.digest.split(':', 1)[0]}:{self.hasher.hexdigest()}"
        if actual != self.digest:
            raise DigestMismatch(f"blob {self.digest} arrived as {actual}")

    def close(self) -> None:
        self.response.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _read_bounded(response: requests.Response, limit: int, what: str) -> bytes:
    data = bytearray()
    for chunk in response.iter_content(CHUNK):
        data += chunk
        if len(data) > limit:
            raise UpstreamError(f"{what} larger than {size_text(limit)}")
    return bytes(data)


def _json_of(response: requests.Response, what: str) -> dict:
    """A JSON object answer, read and decoded within bounds."""
    with response:
        return _json_object(_read_bounded(response, MAX_JSON_BYTES, what), what)


def _json_object(data: bytes, what: str) -> dict:
    try:
        return load_json_object(data, MAX_JSON_BYTES)
    except DocumentError as exc:
        raise UpstreamError(f"{what} {exc}") from None


def _next_link(header: str) -> str:
    match = re.search(r'<([^>]+)>\s*;\s*rel="?next"?', header)
    return match.group(1) if match else ""


def _error_text(response: requests.Response) -> str:
    with response:
        data = _read_bounded(response, MAX_JSON_BYTES, "error answer")
    try:
        errors = _json_object(data, "error answer").get("errors") or []
    except UpstreamError:
        return data[:200].decode("utf-8", "replace")
    if not isinstance(errors, list):
        return ""
    return "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors if isinstance(e, dict))
