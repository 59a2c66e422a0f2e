"""The negative table of images/oci/manifests.py: every body here is refused with ManifestInvalid
(or TooLarge) and a reason that names what is wrong; none escapes as another exception."""

import copy
import json

import pytest

from images.documents import MAX_DEPTH
from images.errors import ManifestInvalid, TooLarge
from images.oci.manifests import MANIFEST_MAX_BYTES, manifest_parse
from images.oci.media_types import DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST

DIGEST = "sha256:" + "ab" * 32
DELETE = object()
IMAGE = {
    "schemaVersion": 2,
    "mediaType": OCI_MANIFEST,
    "config": {"mediaType": OCI_CONFIG, "digest": DIGEST, "size": 2},
    "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": DIGEST, "size": 3}],
}
INDEX = {
    "schemaVersion": 2,
    "mediaType": OCI_INDEX,
    "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": DIGEST, "size": 4, "platform": {"os": "linux", "architecture": "amd64"}}
    ],
}


def changed(base: dict, **changes) -> bytes:
    """`base` with fields set (or deleted, with DELETE); keys are paths: config__size, layers__0__urls."""
    document = copy.deepcopy(base)
    for path, value in changes.items():
        *parents, last = path.replace("__", ".").split(".")
        target = document
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key.replace("_", ".")]
        last = int(last) if isinstance(target, list) else last.replace("_", ".")
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return json.dumps(document).encode()


def image(**changes) -> bytes:
    return changed(IMAGE, **changes)


def index(**changes) -> bytes:
    return changed(INDEX, **changes)


def with_digest(digest: str) -> bytes:
    return image(config__digest=digest)


def raw_size(literal: str) -> bytes:
    return image(config__size=0).replace(b'"size": 0', b'"size": ' + literal.encode())


# (id, body, Content-Type, a part of the reason)
REFUSED = [
    # deep nesting: RecursionError in json.loads without the depth bound
    ("100000-arrays", b"[" * 100_000 + b"]" * 100_000, OCI_MANIFEST, "nested deeper than"),
    ("100000-objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, OCI_MANIFEST, "nested deeper than"),
    ("unclosed-arrays", b"[" * 100_000, OCI_MANIFEST, "nested deeper than"),
    ("deep-extension-field", image(x=json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)), OCI_MANIFEST, "nested deeper"),
    ("deep-annotation", image(annotations={"k": 0}).replace(b"0}", b"[" * 5000 + b"]" * 5000 + b"}"), "", "nested"),
    # not JSON, or not strict UTF-8 JSON
    ("empty", b"", OCI_MANIFEST, "not valid JSON"),
    ("not-json", b"not json", OCI_MANIFEST, "not valid JSON"),
    ("trailing-garbage", image() + b"x", OCI_MANIFEST, "not valid JSON"),
    ("array", b"[]", OCI_MANIFEST, "not a JSON object"),
    ("string", b'"manifest"', OCI_MANIFEST, "not a JSON object"),
    ("null", b"null", OCI_MANIFEST, "not a JSON object"),
    ("invalid-utf8", b"\xff\xfe{}", OCI_MANIFEST, "not UTF-8"),
    ("latin1-string", image(annotations={"k": "e"}).replace(b'"e"', b'"\xe9"'), OCI_MANIFEST, "not UTF-8"),
    ("utf16", image().decode().encode("utf-16"), OCI_MANIFEST, "not UTF-8"),
    ("bom", b"\xef\xbb\xbf" + image(), OCI_MANIFEST, "byte order mark"),
    ("nan", image(config__size=0).replace(b'"size": 0', b'"size": NaN'), OCI_MANIFEST, "holds NaN, which is not JSON"),
    ("infinity", raw_size("-Infinity"), OCI_MANIFEST, "holds -Infinity, which is not JSON"),
    # schemaVersion
    ("schema-missing", image(schemaVersion=DELETE), OCI_MANIFEST, "schemaVersion must be 2"),
    ("schema-1", image(schemaVersion=1), OCI_MANIFEST, "schemaVersion must be 2"),
    ("schema-3", image(schemaVersion=3), OCI_MANIFEST, "schemaVersion must be 2"),
    ("schema-string", image(schemaVersion="2"), OCI_MANIFEST, "schemaVersion must be 2"),
    ("schema-float", image(schemaVersion=2.0), OCI_MANIFEST, "schemaVersion must be 2"),
    ("schema-bool", image(schemaVersion=True), OCI_MANIFEST, "schemaVersion must be 2"),
    ("schema-huge", image(schemaVersion=10**400), OCI_MANIFEST, "more than the 20 allowed"),
    # media types of the manifest, and Content-Type agreement
    ("media-type-number", image(mediaType=5), OCI_MANIFEST, "mediaType must be a string"),
    ("media-type-list", image(mediaType=[OCI_MANIFEST]), OCI_MANIFEST, "mediaType must be a string"),
    ("unknown-media-type", image(mediaType="text/plain"), "", "unsupported manifest media type"),
    ("schema1-media-type", image(mediaType="application/vnd.docker.distribution.manifest.v1+json"), "", "unsupported"),
    ("layer-as-manifest", image(mediaType=OCI_LAYER_GZIP), "application/octet-stream", "unsupported"),
    ("media-type-nul", image(mediaType=OCI_MANIFEST + "\u0000"), "", "unsupported manifest media type"),
    ("oci-body-docker-type", image(), DOCKER_MANIFEST, "mediaType does not match Content-Type"),
    ("index-body-image-type", index(), OCI_MANIFEST, "mediaType does not match Content-Type"),
    ("index-shape-image-type", index(mediaType=DELETE), OCI_MANIFEST, "config is missing"),
    # missing fields
    ("config-missing", image(config=DELETE), OCI_MANIFEST, "config is missing"),
    ("config-null", image(config=None), OCI_MANIFEST, "config is missing"),
    ("layers-missing", image(layers=DELETE), OCI_MANIFEST, "layers must be a list"),
    ("manifests-missing", index(manifests=DELETE), OCI_INDEX, "manifests must be a list"),
    ("config-media-type-missing", image(config__mediaType=DELETE), OCI_MANIFEST, "config.mediaType is missing"),
    ("config-digest-missing", image(config__digest=DELETE), OCI_MANIFEST, "config.digest is missing"),
    ("config-size-missing", image(config__size=DELETE), OCI_MANIFEST, "config.size is missing"),
    ("layer-digest-missing", image(layers__0__digest=DELETE), OCI_MANIFEST, "layers[0].digest is missing"),
    ("child-size-missing", index(manifests__0__size=DELETE), OCI_INDEX, "manifests[0].size is missing"),
    ("subject-empty", image(subject={}), OCI_MANIFEST, "subject.mediaType is missing"),
    # wrong types, field by field
    ("config-string", image(config="sha256"), OCI_MANIFEST, "config must be an object"),
    ("config-list", image(config=[]), OCI_MANIFEST, "config must be an object"),
    ("layers-object", image(layers={}), OCI_MANIFEST, "layers must be a list"),
    ("layer-number", image(layers=[5]), OCI_MANIFEST, "layers[0] must be an object"),
    ("manifests-object", index(manifests={}), OCI_INDEX, "manifests must be a list"),
    ("child-string", index(manifests=["sha256"]), OCI_INDEX, "manifests[0] must be an object"),
    ("config-media-type-number", image(config__mediaType=1), OCI_MANIFEST, "config.mediaType is not a media type"),
    ("digest-number", image(config__digest=1), OCI_MANIFEST, "config.digest: not a string"),
    ("urls-string", image(layers__0__urls="https://x"), OCI_MANIFEST, "layers[0].urls must be a list"),
    ("url-number", image(layers__0__urls=[1]), OCI_MANIFEST, "layers[0].urls[0] must be a string"),
    ("data-number", image(layers__0__data=1), OCI_MANIFEST, "layers[0].data must be a string"),
    ("annotations-list", image(annotations=[]), OCI_MANIFEST, "annotations must be an object"),
    ("annotation-number", image(annotations={"k": 1}), OCI_MANIFEST, "annotations['k'] must be a string"),
    ("annotation-null", image(annotations={"k": None}), OCI_MANIFEST, "annotations['k'] must be a string"),
    ("layer-annotations-string", image(layers__0__annotations="x"), OCI_MANIFEST, "layers[0].annotations must be"),
    ("artifact-type-number", image(artifactType=0), OCI_MANIFEST, "artifactType is not a media type"),
    ("artifact-type-grammar", image(artifactType="signature"), OCI_MANIFEST, "artifactType is not a media type"),
    ("subject-string", image(subject=DIGEST), OCI_MANIFEST, "subject must be an object"),
    ("platform-string", index(manifests__0__platform="linux/amd64"), OCI_INDEX, "manifests[0].platform must be"),
    ("platform-os-number", index(manifests__0__platform__os=5), OCI_INDEX, "manifests[0].platform.os must be a str"),
    ("platform-arch-list", index(manifests__0__platform__architecture=[]), OCI_INDEX, "platform.architecture must"),
    ("platform-variant-object", index(manifests__0__platform__variant={}), OCI_INDEX, "platform.variant must be"),
    ("os-features-string", index(manifests__0__platform__os_features="x"), OCI_INDEX, "platform.os.features must"),
    ("os-features-number", index(manifests__0__platform__os_features=[1]), OCI_INDEX, "os.features[0] must be"),
    ("os-version-number", index(manifests__0__platform__os_version=10), OCI_INDEX, "platform.os.version must be"),
    # sizes: int64, not bool, float, negative or a number too long to be one
    ("size-string", image(config__size="2"), OCI_MANIFEST, "config.size must be an integer from 0 to 2^63-1"),
    ("size-float", image(config__size=2.0), OCI_MANIFEST, "config.size must be an integer"),
    ("size-exponent", raw_size("2e3"), OCI_MANIFEST, "config.size must be an integer"),
    ("size-bool", image(config__size=True), OCI_MANIFEST, "config.size must be an integer"),
    ("size-null", image(config__size=None), OCI_MANIFEST, "config.size is missing"),
    ("size-negative", image(config__size=-1), OCI_MANIFEST, "config.size must be an integer"),
    ("size-2-63", image(config__size=2**63), OCI_MANIFEST, "config.size must be an integer"),
    ("size-10-400", image(config__size=10**400), OCI_MANIFEST, "more than the 20 allowed"),
    ("size-5000-digits", raw_size("9" * 5000), OCI_MANIFEST, "more than the 20 allowed"),
    ("size-float-overflow", raw_size("1e400"), OCI_MANIFEST, "config.size must be an integer"),
    ("huge-number-anywhere", image(x=[10**30]), OCI_MANIFEST, "more than the 20 allowed"),
    # bad digests in a descriptor
    ("digest-short", with_digest("sha256:abc"), OCI_MANIFEST, "config.digest: sha256 takes 64 hex characters, not 3"),
    ("digest-long", with_digest(DIGEST + "00"), OCI_MANIFEST, "sha256 takes 64 hex characters, not 66"),
    ("digest-upper", with_digest(DIGEST.upper().replace("SHA", "sha")), OCI_MANIFEST, "sha256 must be lowercase hex"),
    ("digest-md5", with_digest("md5:" + "a" * 32), OCI_MANIFEST, "unsupported digest algorithm 'md5'"),
    ("digest-sha384", with_digest("sha384:" + "a" * 96), OCI_MANIFEST, "unsupported digest algorithm 'sha384'"),
    ("digest-sha512-short", with_digest("sha512:" + "a" * 64), OCI_MANIFEST, "sha512 takes 128 hex characters"),
    ("digest-no-colon", with_digest("sha256" + "a" * 64), OCI_MANIFEST, "not a digest"),
    ("digest-empty", with_digest(""), OCI_MANIFEST, "config.digest: not a digest"),
    ("digest-newline", with_digest(DIGEST + "\n"), OCI_MANIFEST, "not a digest"),
    ("digest-nul", with_digest(DIGEST + "\u0000"), OCI_MANIFEST, "not a digest"),
    (
        "subject-digest",
        image(subject={"mediaType": OCI_MANIFEST, "digest": "sha256:x", "size": 1}),
        "",
        "subject.digest",
    ),
    (
        "child-digest",
        index(manifests__0__digest="sha256:" + "G" * 64),
        OCI_INDEX,
        "manifests[0].digest: sha256 must be lowercase",
    ),
    # NUL and control characters where they would be stored, and media types outside the grammar
    ("platform-os-nul", index(manifests__0__platform__os="linux\u0000"), OCI_INDEX, "platform.os holds a control"),
    ("platform-arch-newline", index(manifests__0__platform__architecture="amd64\n"), OCI_INDEX, "control character"),
    ("platform-variant-del", index(manifests__0__platform__variant="v8\x7f"), OCI_INDEX, "control character"),
    ("os-feature-nul", index(manifests__0__platform__os_features=["win32k\u0000"]), OCI_INDEX, "control character"),
    ("config-type-nul", image(config__mediaType=OCI_CONFIG + "\u0000"), OCI_MANIFEST, "config.mediaType is not a"),
    ("config-type-newline", image(config__mediaType=OCI_CONFIG + "\n"), OCI_MANIFEST, "config.mediaType is not a"),
    ("layer-type-space", image(layers__0__mediaType="application/x tar"), OCI_MANIFEST, "layers[0].mediaType is not"),
    ("layer-type-empty", image(layers__0__mediaType=""), OCI_MANIFEST, "layers[0].mediaType is not a media type"),
    ("layer-type-long", image(layers__0__mediaType="a/" + "b" * 200), OCI_MANIFEST, "layers[0].mediaType is not"),
    ("artifact-type-nul", image(artifactType="application/x\u0000"), OCI_MANIFEST, "artifactType is not a media type"),
    ("annotation-key-nul", image(annotations={"k\u0000": "v"}), OCI_MANIFEST, "annotations key holds a control"),
    ("url-nul", image(layers__0__urls=["https://x/\u0000"]), OCI_MANIFEST, "layers[0].urls[0] holds a control"),
]


@pytest.mark.parametrize("body, content_type, reason", [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_refused(body, content_type, reason):
    with pytest.raises(ManifestInvalid) as refused:
        manifest_parse(body, content_type)
    assert reason in refused.value.detail["reason"]


def test_the_base_documents_are_valid():
    """So every row above fails for its own change, not for a broken base."""
    assert manifest_parse(image(), OCI_MANIFEST).config.size == 2
    assert manifest_parse(index(), OCI_INDEX).manifests[0].platform.os == "linux"


def test_one_byte_over_the_limit_is_too_large():
    body = b" " * (MANIFEST_MAX_BYTES - len(image())) + image() + b" "
    with pytest.raises(TooLarge) as refused:
        manifest_parse(body, OCI_MANIFEST)
    assert refused.value.detail == {"limit": MANIFEST_MAX_BYTES}
    assert manifest_parse(body[:-1], OCI_MANIFEST).media_type == OCI_MANIFEST  # the limit itself is fine


def test_nesting_up_to_the_limit_is_accepted():
    # The manifest object is level 1, so an extension field may nest MAX_DEPTH - 1 more.
    deep = json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    assert manifest_parse(image(x=deep), OCI_MANIFEST).media_type == OCI_MANIFEST
