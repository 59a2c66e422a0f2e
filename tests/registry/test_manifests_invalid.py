"""Bad manifests over HTTP: each class of the negative table (tests/oci/test_manifests_invalid.py)
answers 400 MANIFEST_INVALID or DIGEST_INVALID (413 when too large) in the JSON error envelope,
stores nothing, and never a 500, on SQLite and PostgreSQL alike."""

import json

import pytest

from images.models import Manifest, ManifestReference
from images.oci.manifests import MANIFEST_MAX_BYTES
from tests.registry.conftest import OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, sha256

pytestmark = pytest.mark.both_databases
DIGEST = "sha256:" + "ab" * 32
DEEP_ARRAYS = b"[" * 100_000 + b"]" * 100_000  # 200 KB: a RecursionError in json.loads, unbounded
DEEP_OBJECTS = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


def image(**fields) -> bytes:
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": DIGEST, "size": 2},
        "layers": [{"mediaType": OCI_LAYER, "digest": DIGEST, "size": 3}],
        **fields,
    }
    return json.dumps(document).encode()


def index(platform: dict) -> bytes:
    child = {"mediaType": OCI_MANIFEST, "digest": DIGEST, "size": 4, "platform": platform}
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [child]}).encode()


def sized(literal: bytes) -> bytes:
    return image().replace(b'"size": 2', b'"size": ' + literal)


# (id, reference, body, Content-Type, status, code, a part of detail.reason or None)
TABLE = [
    ("100000-arrays", "v1", DEEP_ARRAYS, OCI_MANIFEST, 400, "MANIFEST_INVALID", "nested deeper than"),
    ("100000-objects", "v1", DEEP_OBJECTS, OCI_MANIFEST, 400, "MANIFEST_INVALID", "nested deeper than"),
    ("not-json", "v1", b"{", OCI_MANIFEST, 400, "MANIFEST_INVALID", "not valid JSON"),
    ("non-utf8", "v1", b"\xff\xfe{}", OCI_MANIFEST, 400, "MANIFEST_INVALID", "not UTF-8"),
    ("bom", "v1", b"\xef\xbb\xbf" + image(), OCI_MANIFEST, 400, "MANIFEST_INVALID", "byte order mark"),
    ("schema-version", "v1", image(schemaVersion=2.0), OCI_MANIFEST, 400, "MANIFEST_INVALID", "schemaVersion"),
    ("missing-config", "v1", image(config=None), OCI_MANIFEST, 400, "MANIFEST_INVALID", "config is missing"),
    ("wrong-type", "v1", image(layers={}), OCI_MANIFEST, 400, "MANIFEST_INVALID", "layers must be a list"),
    ("unknown-media-type", "v1", image(mediaType="text/plain"), "", 400, "MANIFEST_INVALID", "unsupported"),
    ("content-type", "v1", image(), OCI_INDEX, 400, "MANIFEST_INVALID", "does not match Content-Type"),
    ("size-float", "v1", sized(b"2.0"), OCI_MANIFEST, 400, "MANIFEST_INVALID", "config.size must be an integer"),
    ("size-bool", "v1", sized(b"true"), OCI_MANIFEST, 400, "MANIFEST_INVALID", "config.size must be an integer"),
    ("size-negative", "v1", sized(b"-1"), OCI_MANIFEST, 400, "MANIFEST_INVALID", "config.size must be an integer"),
    ("size-10-400", "v1", sized(b"1" + b"0" * 400), OCI_MANIFEST, 400, "MANIFEST_INVALID", "more than the 20 allowed"),
    ("size-5000-digits", "v1", sized(b"9" * 5000), OCI_MANIFEST, 400, "MANIFEST_INVALID", "more than the 20 allowed"),
    (
        "descriptor-digest-uppercase",
        "v1",
        image(config={"mediaType": OCI_CONFIG, "digest": DIGEST.replace("ab", "AB"), "size": 2}),
        OCI_MANIFEST,
        400,
        "MANIFEST_INVALID",
        "config.digest: sha256 must be lowercase hex",
    ),
    (
        "descriptor-digest-algorithm",
        "v1",
        image(subject={"mediaType": OCI_MANIFEST, "digest": "md5:" + "a" * 32, "size": 1}),
        OCI_MANIFEST,
        400,
        "MANIFEST_INVALID",
        "subject.digest: unsupported digest algorithm",
    ),
    ("reference-uppercase", DIGEST.upper(), image(), OCI_MANIFEST, 400, "DIGEST_INVALID", None),
    ("reference-short", "sha256:abc", image(), OCI_MANIFEST, 400, "DIGEST_INVALID", "sha256 takes 64 hex characters"),
    ("reference-algorithm", "md5:" + "a" * 32, image(), OCI_MANIFEST, 400, "DIGEST_INVALID", "unsupported digest"),
    ("reference-mismatch", sha256(b"other"), image(), OCI_MANIFEST, 400, "DIGEST_INVALID", None),
    ("platform-os-nul", "v1", index({"os": "linux\u0000", "architecture": "amd64"}), OCI_INDEX, 400, "MANIFEST_INVALID",
     "manifests[0].platform.os holds a control character"),
    ("platform-arch-control", "v1", index({"os": "linux", "architecture": "\u001b[31m"}), OCI_INDEX, 400,
     "MANIFEST_INVALID", "control character"),
    ("media-type-nul", "v1", image(artifactType="application/x\u0000"), OCI_MANIFEST, 400, "MANIFEST_INVALID",
     "artifactType is not a media type"),
    ("annotation-key-nul", "v1", image(annotations={"a\u0000": "b"}), OCI_MANIFEST, 400, "MANIFEST_INVALID",
     "annotations key holds a control character"),
    ("too-large", "v1", image(annotations={"pad": "x" * MANIFEST_MAX_BYTES}), OCI_MANIFEST, 413, "SIZE_INVALID", None),
]  # fmt: skip


@pytest.mark.parametrize(
    "reference, body, content_type, status, code, reason", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE]
)
def test_bad_manifest_is_a_clear_4xx(registry, reference, body, content_type, status, code, reason):
    response = registry.call("PUT", f"/v2/alice/app/manifests/{reference}", body, content_type=content_type)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["code"] == code
    assert error["message"]
    if reason is not None:
        assert reason in error["detail"]["reason"]
    assert not Manifest.objects.exists()


def test_index_with_nul_in_platform_os_of_a_child_that_exists(registry):
    """The case that was a 500 on PostgreSQL: the child is there, so the old code went on to write
    the platform into a text column, which PostgreSQL refuses with NUL in it."""
    child_digest, child = registry.push_image("alice/app", None)
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {
                "mediaType": OCI_MANIFEST,
                "digest": child_digest,
                "size": len(child),
                "platform": {"os": "linux\u0000", "architecture": "amd64"},
            }
        ],
    }
    body = json.dumps(document).encode()
    response = registry.call("PUT", "/v2/alice/app/manifests/multi", body, content_type=OCI_INDEX)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "MANIFEST_INVALID"
    assert Manifest.objects.count() == 1  # the child only
    assert not ManifestReference.objects.exists()

    document["manifests"][0]["platform"]["os"] = "linux"
    body = json.dumps(document).encode()
    assert registry.call("PUT", "/v2/alice/app/manifests/multi", body, content_type=OCI_INDEX).status_code == 201
    assert ManifestReference.objects.get().os == "linux"
