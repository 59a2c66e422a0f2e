"""images/oci/manifests.py over manifests that real clients pushed (fixtures/README.md says how
each was made), and a few accepted shapes that no fixture here has."""

import hashlib
import json
from pathlib import Path

import pytest

from images.oci.build import LayerSpec, canonical_json, image_build, index_build
from images.oci.manifests import (
    MANIFEST_MAX_BYTES,
    Descriptor,
    ImageIndex,
    ImageManifest,
    Platform,
    manifest_parse,
)
from images.oci.media_types import (
    DOCKER_CONFIG,
    DOCKER_FOREIGN_LAYER,
    DOCKER_LAYER_GZIP,
    DOCKER_LIST,
    DOCKER_MANIFEST,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_LAYER,
    OCI_LAYER_GZIP,
    OCI_MANIFEST,
)

FIXTURES = Path(__file__).parent / "fixtures"
PODMAN_LAYER = Descriptor(
    OCI_LAYER_GZIP, "sha256:017b478ea5cbe414f94467a5b1a056d3abfe9ff0d94904bc268b15351d9ec559", 127
)
UMOCI_LAYER = "sha256:9d49db146e1109658580409d47779252514bcc9b5321bb261b6fde203747dadf"
UMOCI_CONFIG = "sha256:e141242418e3b19c236fc4a3fbb483c9e2cc202378d20b029be5f52ca198b12e"
BUILDER_AMD64 = ("sha256:93395f215850ee309c3ce6e5bb4e4316835356cd6cdd503fc472c0a2fac65b91", 350)
BUILDER_ARM64 = ("sha256:3366548c1ef893734aa2605dbf5c86d52c404793ce5405b4ba70d03849425314", 350)
BUILDER_LAYERS = (
    ("sha256:f2c7f5f544f1f5603f7901260a72d6f1acd3024a4b57d22e37d38e7cb722cdcf", 112),
    ("sha256:d0bd79d2ccf4c0e6ec37942d759b694d74ad2b27b37342f65686a2c8c88a5e2e", 111),
)
PODMAN_BASE = "org.opencontainers.image.base.digest"
EMPTY_CONFIG = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
AMD64, ARM64 = Platform(architecture="amd64", os="linux"), Platform(architecture="arm64", os="linux")


def image(media_type, config, layers, **extra) -> ImageManifest:
    return ImageManifest(media_type, Descriptor(*config), tuple(Descriptor(*layer) for layer in layers), **extra)


def child(media_type, digest, size, platform) -> Descriptor:
    return Descriptor(media_type, digest, size, platform=platform)


PODMAN_OCI = ImageManifest(
    OCI_MANIFEST,
    Descriptor(OCI_CONFIG, "sha256:f3d49f4737365a24f444140b4ec2051bbca6c804394fc8ed05bf9f4ca1ebcb7e", 855),
    (PODMAN_LAYER,),
    annotations={
        PODMAN_BASE: "sha256:daae53c5387c5f7893386746f45e30e828c0af756eda23584b1abc4b2670b69b",
        "org.opencontainers.image.base.name": "",
    },
)

# (fixture, the Content-Type its client sent, what it parses to)
FIXTURE_TABLE = [
    (
        "umoci-oci",
        OCI_MANIFEST,
        image(OCI_MANIFEST, (OCI_CONFIG, UMOCI_CONFIG, 404), [(OCI_LAYER_GZIP, UMOCI_LAYER, 116)]),
    ),
    (
        "skopeo-v2s2",
        DOCKER_MANIFEST,
        image(DOCKER_MANIFEST, (DOCKER_CONFIG, UMOCI_CONFIG, 404), [(DOCKER_LAYER_GZIP, UMOCI_LAYER, 116)]),
    ),
    (
        "skopeo-index-oci",
        OCI_INDEX,
        ImageIndex(
            OCI_INDEX,
            (
                child(
                    OCI_MANIFEST, "sha256:2e21f9c46dbc63d0f452c5ed1ee0c67979fdd3366bbf50198d53dbb965475273", 401, AMD64
                ),
                child(
                    OCI_MANIFEST, "sha256:451ef28278b624af51702d57bc03046bce78e4054b3edd948ebb7b33f68f62ed", 401, ARM64
                ),
            ),
        ),
    ),
    (
        "skopeo-index-oci.0",
        OCI_MANIFEST,
        image(OCI_MANIFEST, (OCI_CONFIG, *BUILDER_AMD64), [(OCI_LAYER_GZIP, *BUILDER_LAYERS[0])]),
    ),
    (
        "skopeo-index-oci.1",
        OCI_MANIFEST,
        image(OCI_MANIFEST, (OCI_CONFIG, *BUILDER_ARM64), [(OCI_LAYER_GZIP, *BUILDER_LAYERS[1])]),
    ),
    (
        "skopeo-index-v2s2",
        DOCKER_LIST,
        ImageIndex(
            DOCKER_LIST,
            (
                child(
                    DOCKER_MANIFEST,
                    "sha256:ea4dafdc35a7951f7c95b882da46ac7f8b918ad62b5581b8b63da628aabf076f",
                    423,
                    AMD64,
                ),
                child(
                    DOCKER_MANIFEST,
                    "sha256:60cc3d855f8e3c4a389c92f23cb23061cdb005e0b1e2103a4d9898ba55b3fd97",
                    423,
                    ARM64,
                ),
            ),
        ),
    ),
    (
        "skopeo-index-v2s2.0",
        DOCKER_MANIFEST,
        image(DOCKER_MANIFEST, (DOCKER_CONFIG, *BUILDER_AMD64), [(DOCKER_LAYER_GZIP, *BUILDER_LAYERS[0])]),
    ),
    (
        "skopeo-index-v2s2.1",
        DOCKER_MANIFEST,
        image(DOCKER_MANIFEST, (DOCKER_CONFIG, *BUILDER_ARM64), [(DOCKER_LAYER_GZIP, *BUILDER_LAYERS[1])]),
    ),
    (
        "podman-docker",
        DOCKER_MANIFEST,
        image(
            DOCKER_MANIFEST,
            (DOCKER_CONFIG, "sha256:324001936a68e64f7f9eee105a8779d2fdba80235309f14db459175862adc6bd", 1667),
            [(DOCKER_LAYER_GZIP, PODMAN_LAYER.digest, 127)],
        ),
    ),
    ("podman-oci", OCI_MANIFEST, PODMAN_OCI),
    # podman pushed the same amd64 manifest again inside its list: the same bytes.
    ("podman-index.0", OCI_MANIFEST, PODMAN_OCI),
    (
        "podman-index",
        OCI_INDEX,
        ImageIndex(
            OCI_INDEX,
            (
                child(
                    OCI_MANIFEST, "sha256:8c461a9b33db1bf22c9ef6ff859693574e6a3075907f4afc7cc60827aeb4f799", 570, AMD64
                ),
                child(
                    OCI_MANIFEST,
                    "sha256:f1ec538db7b893d75e3c0687e03a5279516c1680033711798cff978bbad07ff5",
                    570,
                    Platform(architecture="arm64", os="linux", variant="v8"),
                ),
            ),
        ),
    ),
    (
        "podman-index.1",
        OCI_MANIFEST,
        ImageManifest(
            OCI_MANIFEST,
            Descriptor(OCI_CONFIG, "sha256:5a814d6df5c2b713fa09046b653a6961f469a86fa1510ba69820da2c87b4ea47", 870),
            (PODMAN_LAYER,),
            annotations={
                PODMAN_BASE: "sha256:8cd326125de2f8f867acf04d88e23100aa71c714bbfba5d5535733f1112807a1",
                "org.opencontainers.image.base.name": "",
            },
        ),
    ),
    (
        "buildah-oci",
        OCI_MANIFEST,
        ImageManifest(
            OCI_MANIFEST,
            Descriptor(OCI_CONFIG, "sha256:335204febdf41a75945883d93eb5604274d19f609e3f9b6edf57993fa2fd15ab", 346),
            (PODMAN_LAYER,),
            annotations={
                "org.example.tool": "buildah",
                PODMAN_BASE: "",
                "org.opencontainers.image.base.name": "",
            },
        ),
    ),
    (
        "oras-artifact",
        OCI_MANIFEST,
        ImageManifest(
            OCI_MANIFEST,
            Descriptor("application/vnd.unknown.config.v1+json", EMPTY_CONFIG, 2),
            (
                Descriptor(
                    OCI_LAYER,
                    "sha256:6970ef51f54a3e4f7a5ccd707d95be3077298a0f68b1ebb25c124d38f6a78ad6",
                    12,
                    annotations={"org.opencontainers.image.title": "artifact.txt"},
                ),
            ),
        ),
    ),
    (
        "oras-referrer",
        OCI_MANIFEST,
        ImageManifest(
            OCI_MANIFEST,
            Descriptor("application/vnd.example.signature.v1+json", EMPTY_CONFIG, 2),
            (
                Descriptor(
                    OCI_LAYER,
                    "sha256:7d0221e35aefce27c40b566366badb753cf4a54e4f157bf7c302e73fd620271b",
                    16,
                    annotations={"org.opencontainers.image.title": "signature.json"},
                ),
            ),
            subject=Descriptor(
                OCI_MANIFEST, "sha256:af176e14a43332397577355d94ed67bd47d13d6539a648798a36e05a8a429cf5", 494
            ),
            annotations={"org.example.signer": "fixture"},
        ),
    ),
]


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name, content_type, expected", FIXTURE_TABLE, ids=[row[0] for row in FIXTURE_TABLE])
def test_fixture_parses(name, content_type, expected):
    body = (FIXTURES / f"{name}.json").read_bytes()
    assert manifest_parse(body, content_type) == expected
    # The Content-Type adds nothing when the body says (or, for umoci, shows) what it is.
    assert manifest_parse(body, "") == expected


def test_every_fixture_is_in_the_table():
    manifests = {path.name.removesuffix(".json") for path in FIXTURES.glob("*.json") if ".config" not in path.name}
    assert manifests == {row[0] for row in FIXTURE_TABLE}


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda path: path.name)
def test_fixture_set_is_consistent(path):
    """Each config and child fixture is the blob its manifest names: same sha256, same length."""
    if ".config" in path.name:
        return
    parsed = manifest_parse(path.read_bytes())
    if parsed.is_index:
        for n, entry in enumerate(parsed.manifests):
            body = (FIXTURES / f"{path.stem}.{n}.json").read_bytes()
            assert (sha256(body), len(body)) == (entry.digest, entry.size)
            config = json.loads((FIXTURES / f"{path.stem}.{n}.config.json").read_bytes())
            assert (config["os"], config["architecture"], config.get("variant", "")) == (
                entry.platform.os,
                entry.platform.architecture,
                entry.platform.variant,
            )
    else:
        config = (FIXTURES / f"{path.stem}.config.json").read_bytes()
        assert (sha256(config), len(config)) == (parsed.config.digest, parsed.config.size)


def test_referrer_fixture_points_at_the_artifact():
    artifact = (FIXTURES / "oras-artifact.json").read_bytes()
    referrer = manifest_parse((FIXTURES / "oras-referrer.json").read_bytes())
    assert (referrer.subject.digest, referrer.subject.size) == (sha256(artifact), len(artifact))
    assert referrer.referrer_type == "application/vnd.example.signature.v1+json"


def test_hub_builder_output_parses():
    images = [
        image_build([LayerSpec({"a": arch.encode()}, "COPY a /")], architecture=arch) for arch in ("amd64", "arm64")
    ]
    index = manifest_parse(index_build(images).manifest, OCI_INDEX)
    assert [entry.platform.architecture for entry in index.manifests] == ["amd64", "arm64"]
    assert [entry.digest for entry in index.manifests] == [i.digest for i in images]
    parsed = manifest_parse(images[0].manifest, OCI_MANIFEST)
    assert [d.digest for d in parsed.blobs] == list(images[0].blobs)


# --- accepted shapes no fixture shows -------------------------------------------------------------
DIGEST = "sha256:" + "ab" * 32
CONFIG = {"mediaType": OCI_CONFIG, "digest": DIGEST, "size": 2}


def oci_image(**fields) -> dict:
    return {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": CONFIG, "layers": [], **fields}


def test_docker_layout_hand_written():
    """The layout Docker's distribution client writes (3-space indent, size before digest);
    hand-written, not pushed by docker (none runs here, see fixtures/README.md)."""
    document = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG, "size": 1470, "digest": DIGEST},
        "layers": [{"mediaType": DOCKER_LAYER_GZIP, "size": 2479, "digest": "sha256:" + "cd" * 32}],
    }
    parsed = manifest_parse(json.dumps(document, indent=3).encode(), DOCKER_MANIFEST)
    assert parsed.config == Descriptor(DOCKER_CONFIG, DIGEST, 1470)
    assert parsed.layers == (Descriptor(DOCKER_LAYER_GZIP, "sha256:" + "cd" * 32, 2479),)


def test_buildx_attestation_index_hand_written():
    """buildx's shape: an image plus an attestation manifest for the `unknown/unknown` platform."""
    attestation = {
        "mediaType": OCI_MANIFEST,
        "digest": "sha256:" + "ef" * 32,
        "size": 566,
        "annotations": {"vnd.docker.reference.digest": DIGEST, "vnd.docker.reference.type": "attestation-manifest"},
        "platform": {"architecture": "unknown", "os": "unknown"},
    }
    entry = {
        "mediaType": OCI_MANIFEST,
        "digest": DIGEST,
        "size": 673,
        "platform": {"architecture": "amd64", "os": "linux"},
    }
    body = canonical_json({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [entry, attestation]})
    parsed = manifest_parse(body, OCI_INDEX)
    assert parsed.manifests[1].platform == Platform(architecture="unknown", os="unknown")
    assert parsed.manifests[1].annotations["vnd.docker.reference.type"] == "attestation-manifest"


def test_foreign_layers_with_urls_are_not_blobs_the_registry_holds():
    foreign = {"mediaType": DOCKER_FOREIGN_LAYER, "digest": "sha256:" + "11" * 32, "size": 9, "urls": ["https://x/l"]}
    unreachable = {**foreign, "digest": "sha256:" + "22" * 32, "urls": []}
    parsed = manifest_parse(canonical_json(oci_image(layers=[foreign, unreachable])), OCI_MANIFEST)
    assert [d.digest for d in parsed.blobs] == [DIGEST, unreachable["digest"]]


@pytest.mark.parametrize(
    "fields, content_type, check",
    [
        ({"annotations": None, "subject": None, "artifactType": None}, OCI_MANIFEST, lambda m: m.subject is None),
        ({"artifactType": "application/vnd.example+json"}, OCI_MANIFEST, lambda m: m.referrer_type.endswith("+json")),
        ({}, f"{OCI_MANIFEST}; charset=utf-8", lambda m: m.media_type == OCI_MANIFEST),
        ({}, "application/octet-stream", lambda m: m.media_type == OCI_MANIFEST),
        ({"mediaType": None}, "", lambda m: m.media_type == OCI_MANIFEST),
        ({"layers": [{**CONFIG, "data": "e30="}]}, OCI_MANIFEST, lambda m: m.layers[0].size == 2),
        ({"x-extension": [[[["deep but within the limit"]]]]}, OCI_MANIFEST, lambda m: not m.is_index),
        ({"annotations": {"k": "[" * 100_000}}, OCI_MANIFEST, lambda m: len(m.annotations["k"]) == 100_000),
        ({"annotations": {"k": "line one\nline two\t\u0000"}}, OCI_MANIFEST, lambda m: "\n" in m.annotations["k"]),
        ({"config": {**CONFIG, "size": 2**63 - 1}}, OCI_MANIFEST, lambda m: m.config.size == 2**63 - 1),
    ],
    ids=[
        "nulls-are-absent",
        "artifact-type",
        "content-type-parameters",
        "octet-stream-content-type",
        "media-type-from-shape",
        "embedded-data",
        "unknown-field",
        "brackets-in-strings-do-not-nest",
        "annotation-values-free-text",
        "int64-max-size",
    ],
)
def test_accepted(fields, content_type, check):
    assert check(manifest_parse(json.dumps(oci_image(**fields)).encode(), content_type))


def test_index_without_media_type_is_known_by_its_manifests():
    parsed = manifest_parse(json.dumps({"schemaVersion": 2, "manifests": []}).encode(), "")
    assert parsed == ImageIndex(OCI_INDEX, ())


def test_a_body_of_exactly_the_limit_is_accepted():
    body = json.dumps(oci_image(annotations={"pad": ""})).encode()
    body = body.replace(b'"pad": ""', b'"pad": "' + b"x" * (MANIFEST_MAX_BYTES - len(body)) + b'"')
    assert len(body) == MANIFEST_MAX_BYTES
    assert manifest_parse(body, OCI_MANIFEST).annotations["pad"].startswith("x")
