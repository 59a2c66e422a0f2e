import base64
import hashlib
import json
import re

import pytest

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


NAME_IN_PATH = re.compile(r"^/v2/(.+?)/(blobs|manifests|tags|referrers)/")


class RegistryClient:
    """Speaks the registry protocol through Django's test client, fetching tokens as docker does."""

    def __init__(self, client, username: str | None = None, password: str | None = None):
        self.client = client
        self.username = username
        self.password = password
        self._tokens = {}

    def token(self, *scopes: str) -> str:
        key = tuple(scopes)
        if key not in self._tokens:
            headers = {}
            if self.username:
                basic = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
                headers["HTTP_AUTHORIZATION"] = f"Basic {basic}"
            response = self.client.get("/token", {"scope": list(scopes), "service": "hub"}, **headers)
            assert response.status_code == 200, response.content
            self._tokens[key] = response.json()["token"]
        return self._tokens[key]

    def call(
        self, method: str, path: str, data: bytes = b"", *, scopes=None, headers=None, content_type=None, environ=None
    ):
        """`environ` sets WSGI variables as they are (CONTENT_LENGTH), after the test client's own."""
        if scopes is None:
            match = NAME_IN_PATH.match(path)
            scopes = (f"repository:{match.group(1)}:pull,push,delete",) if match else ("registry:catalog:*",)
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.token(*scopes)}"}
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        extra.update(environ or {})
        fn = getattr(self.client, method.lower())
        if method in ("GET", "HEAD", "DELETE"):
            return fn(path, **extra)
        return fn(path, data=data, content_type=content_type or "application/octet-stream", **extra)

    # --- shortcuts ----------------------------------------------------------------------------------
    def push_blob(self, name: str, data: bytes) -> str:
        digest = sha256(data)
        response = self.call("POST", f"/v2/{name}/blobs/uploads/?digest={digest}", data)
        assert response.status_code == 201, response.content
        return digest

    def push_image(self, name: str, tag: str | None, *, layers=(b"layer",), config=None, extra=None):
        config = config or json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}).encode()
        descriptors = [{"mediaType": OCI_LAYER, "digest": self.push_blob(name, b), "size": len(b)} for b in layers]
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": self.push_blob(name, config), "size": len(config)},
            "layers": descriptors,
            **(extra or {}),
        }
        body = json.dumps(manifest).encode()
        response = self.call("PUT", f"/v2/{name}/manifests/{tag or sha256(body)}", body, content_type=OCI_MANIFEST)
        assert response.status_code == 201, response.content
        return sha256(body), body


@pytest.fixture
def registry(client, alice):
    """A client logged in as alice, who owns the namespace `alice`."""
    return RegistryClient(client, "alice", "alice-password")


@pytest.fixture
def anonymous(client, db):
    return RegistryClient(client)
