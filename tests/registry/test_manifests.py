"""Manifests: push by tag and digest, pull with content negotiation, delete (spec: "Pushing manifests")."""

import json

import pytest

from images.models import Manifest, ManifestBlob, ManifestReference, Repository, Tag
from images.models.content import IndexStatus
from tests.registry.conftest import DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, sha256


def image(registry, name="alice/app", layers=(b"layer",), **extra):
    config = json.dumps({"os": "linux", "architecture": "amd64"}).encode()
    return {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": registry.push_blob(name, config), "size": len(config)},
        "layers": [{"mediaType": OCI_LAYER, "digest": registry.push_blob(name, b), "size": len(b)} for b in layers],
        **extra,
    }


def put(registry, reference, document, name="alice/app", media_type=OCI_MANIFEST, raw=None):
    body = raw if raw is not None else json.dumps(document, indent=3).encode()
    return registry.call("PUT", f"/v2/{name}/manifests/{reference}", body, content_type=media_type), body


def error_code(response):
    return response.json()["errors"][0]["code"]


def test_put_by_tag_stores_bytes_as_pushed(registry):
    response, body = put(registry, "v1", image(registry))
    assert response.status_code == 201
    assert response["Docker-Content-Digest"] == sha256(body)
    assert response["Location"] == f"/v2/alice/app/manifests/{sha256(body)}"
    manifest = Manifest.objects.get()
    assert bytes(manifest.content) == body  # indent=3 kept: digest is over the pushed bytes
    assert Tag.objects.get().manifest == manifest
    assert ManifestBlob.objects.filter(manifest=manifest).count() == 2
    assert Repository.objects.get().last_pushed_at is not None


def test_first_push_creates_repository_and_queues_indexing(registry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        put(registry, "v1", image(registry))
    assert Repository.objects.get().full_name == "alice/app"
    assert Manifest.objects.get().index_status == IndexStatus.QUEUED
    assert callbacks  # manifest_index_enqueue sends the task on commit


def test_put_by_digest(registry):
    body = json.dumps(image(registry)).encode()
    response, _ = put(registry, sha256(body), None, raw=body)
    assert response.status_code == 201
    assert not Tag.objects.exists()


def test_put_by_wrong_digest_is_400(registry):
    body = json.dumps(image(registry)).encode()
    response, _ = put(registry, sha256(b"other"), None, raw=body)
    assert response.status_code == 400
    assert error_code(response) == "DIGEST_INVALID"


def test_get_and_head(registry):
    _, body = put(registry, "v1", image(registry))
    for reference in ("v1", sha256(body)):
        response = registry.call("GET", f"/v2/alice/app/manifests/{reference}", headers={"Accept": OCI_MANIFEST})
        assert response.status_code == 200
        assert response.content == body
        assert response["Content-Type"] == OCI_MANIFEST
        assert response["Docker-Content-Digest"] == sha256(body)
        head = registry.call("HEAD", f"/v2/alice/app/manifests/{reference}")
        assert head.status_code == 200
        assert head["Content-Length"] == str(len(body))
        assert head.content == b""


def test_content_negotiation(registry):
    put(registry, "v1", image(registry))
    refused = registry.call("GET", "/v2/alice/app/manifests/v1", headers={"Accept": DOCKER_MANIFEST})
    assert refused.status_code == 404
    assert error_code(refused) == "MANIFEST_UNKNOWN"
    accepted = registry.call(
        "GET", "/v2/alice/app/manifests/v1", headers={"Accept": f"{DOCKER_MANIFEST}, {OCI_MANIFEST};q=0.9"}
    )
    assert accepted.status_code == 200
    assert registry.call("GET", "/v2/alice/app/manifests/v1", headers={"Accept": "*/*"}).status_code == 200


def test_docker_schema2_manifest(registry):
    document = image(registry)
    document["mediaType"] = DOCKER_MANIFEST
    document["config"]["mediaType"] = "application/vnd.docker.container.image.v1+json"
    response, _ = put(registry, "docker", document, media_type=DOCKER_MANIFEST)
    assert response.status_code == 201
    response = registry.call("GET", "/v2/alice/app/manifests/docker", headers={"Accept": DOCKER_MANIFEST})
    assert response["Content-Type"] == DOCKER_MANIFEST


def test_index_with_children(registry):
    children = []
    for arch in ("amd64", "arm64"):
        document = image(registry, layers=(arch.encode(),))
        response, body = put(registry, sha256(json.dumps(document, indent=3).encode()), document)
        assert response.status_code == 201
        children.append(
            {
                "mediaType": OCI_MANIFEST,
                "digest": sha256(body),
                "size": len(body),
                "platform": {"os": "linux", "architecture": arch},
            }
        )
    response, body = put(
        registry, "multi", {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": children}, media_type=OCI_INDEX
    )
    assert response.status_code == 201
    index = Manifest.objects.get(digest=sha256(body))
    assert index.is_index
    assert [r.architecture for r in ManifestReference.objects.filter(parent=index)] == ["amd64", "arm64"]
    assert registry.call("GET", "/v2/alice/app/manifests/multi").content == body


def test_index_with_unknown_child_is_refused(registry):
    child = {"mediaType": OCI_MANIFEST, "digest": sha256(b"nope"), "size": 4}
    response, _ = put(
        registry, "multi", {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [child]}, media_type=OCI_INDEX
    )
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_BLOB_UNKNOWN"


def test_manifest_with_unknown_blob_is_refused(registry):
    document = image(registry)
    document["layers"].append({"mediaType": OCI_LAYER, "digest": sha256(b"never pushed"), "size": 12})
    response, _ = put(registry, "v1", document)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_BLOB_UNKNOWN"
    assert response.json()["errors"][0]["detail"]["digests"] == [sha256(b"never pushed")]


def test_blob_of_another_repository_does_not_count(registry):
    document = image(registry, name="alice/other")
    response, _ = put(registry, "v1", document)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_BLOB_UNKNOWN"


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        b'{"schemaVersion": 1}',
        b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": []}',
        b'{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"digest": 1}}',
        b'{"schemaVersion": 2, "mediaType": "text/plain"}',
        b"\xff\xfe",
    ],
)
def test_invalid_manifests(registry, raw):
    response, _ = put(registry, "v1", None, raw=raw)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_INVALID"


def test_media_type_must_match_content_type(registry):
    response, _ = put(registry, "v1", image(registry), media_type=DOCKER_MANIFEST)
    assert response.status_code == 400
    assert error_code(response) == "MANIFEST_INVALID"


def test_invalid_tag(registry):
    response, _ = put(registry, "-bad", image(registry))
    assert response.status_code == 400


def test_manifest_over_4_mib_is_413(registry):
    document = image(registry, annotations={"padding": "x" * (4 * 1024 * 1024)})
    response, _ = put(registry, "big", document)
    assert response.status_code == 413


def test_subject_that_does_not_exist_yet_is_accepted(registry):
    subject = {"mediaType": OCI_MANIFEST, "digest": sha256(b"future"), "size": 6}
    response, _ = put(registry, "sig", image(registry, subject=subject, artifactType="application/x.sig"))
    assert response.status_code == 201
    assert response["OCI-Subject"] == sha256(b"future")


def test_unknown_manifest_and_repository(registry):
    put(registry, "v1", image(registry))
    response = registry.call("GET", "/v2/alice/app/manifests/v2")
    assert response.status_code == 404
    assert error_code(response) == "MANIFEST_UNKNOWN"
    response = registry.call("GET", "/v2/alice/nothing/manifests/v1")
    assert response.status_code == 404
    assert error_code(response) == "NAME_UNKNOWN"


def test_delete_by_digest_removes_manifest_and_tags(registry):
    _, body = put(registry, "v1", image(registry))
    response = registry.call("DELETE", f"/v2/alice/app/manifests/{sha256(body)}")
    assert response.status_code == 202
    assert registry.call("GET", "/v2/alice/app/manifests/v1").status_code == 404
    assert registry.call("GET", f"/v2/alice/app/manifests/{sha256(body)}").status_code == 404
    assert registry.call("DELETE", f"/v2/alice/app/manifests/{sha256(body)}").status_code == 404


def test_delete_by_tag_keeps_manifest(registry):
    _, body = put(registry, "v1", image(registry))
    assert registry.call("DELETE", "/v2/alice/app/manifests/v1").status_code == 202
    assert registry.call("GET", "/v2/alice/app/manifests/v1").status_code == 404
    assert registry.call("GET", f"/v2/alice/app/manifests/{sha256(body)}").status_code == 200


def test_retag_moves_tag(registry):
    _, first = put(registry, "latest", image(registry, layers=(b"one",)))
    _, second = put(registry, "latest", image(registry, layers=(b"two",)))
    assert registry.call("GET", "/v2/alice/app/manifests/latest").content == second
    assert Tag.objects.count() == 1


def test_anonymous_cannot_push(registry, anonymous):
    document = image(registry)
    response = anonymous.call(
        "PUT", "/v2/alice/app/manifests/v1", json.dumps(document).encode(), content_type=OCI_MANIFEST
    )
    assert response.status_code == 401


def test_private_repository_is_hidden_from_others(registry, client, bob):
    from tests.registry.conftest import RegistryClient

    put(registry, "v1", image(registry))
    Repository.objects.update(is_private=True)
    bobs = RegistryClient(client, "bob", "bob-password")
    assert bobs.call("GET", "/v2/alice/app/manifests/v1").status_code == 403
    assert registry.call("GET", "/v2/alice/app/manifests/v1").status_code == 200
