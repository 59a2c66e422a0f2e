"""The referrers API: manifests whose `subject` is a digest, filtered by artifactType."""

import json

from tests.registry.conftest import OCI_INDEX, OCI_MANIFEST


def test_referrers(registry):
    subject_digest, subject_body = registry.push_image("alice/app", "v1")
    subject = {"mediaType": OCI_MANIFEST, "digest": subject_digest, "size": len(subject_body)}
    sig_digest, sig = registry.push_image(
        "alice/app", None, extra={"subject": subject, "artifactType": "application/x.sig", "annotations": {"k": "v"}}
    )
    sbom_digest, _ = registry.push_image("alice/app", None, layers=(b"sbom",), extra={"subject": subject})

    response = registry.call("GET", f"/v2/alice/app/referrers/{subject_digest}")
    assert response.status_code == 200
    assert response["Content-Type"] == OCI_INDEX
    index = response.json()
    assert index["schemaVersion"] == 2 and index["mediaType"] == OCI_INDEX
    by_digest = {m["digest"]: m for m in index["manifests"]}
    assert by_digest[sig_digest] == {
        "mediaType": OCI_MANIFEST,
        "digest": sig_digest,
        "size": len(sig),
        "artifactType": "application/x.sig",
        "annotations": {"k": "v"},
    }
    # Without artifactType the config's media type stands in (image-spec).
    assert by_digest[sbom_digest]["artifactType"] == "application/vnd.oci.image.config.v1+json"
    assert "OCI-Filters-Applied" not in response

    filtered = registry.call("GET", f"/v2/alice/app/referrers/{subject_digest}?artifactType=application/x.sig")
    assert filtered["OCI-Filters-Applied"] == "artifactType"
    assert [m["digest"] for m in filtered.json()["manifests"]] == [sig_digest]


def test_referrers_of_unknown_digest_is_empty_index(registry):
    registry.push_image("alice/app", "v1")
    response = registry.call("GET", "/v2/alice/app/referrers/sha256:" + "0" * 64)
    assert response.status_code == 200
    assert json.loads(response.content)["manifests"] == []


def test_referrers_with_invalid_digest(registry):
    registry.push_image("alice/app", "v1")
    response = registry.call("GET", "/v2/alice/app/referrers/sha256:zz")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "DIGEST_INVALID"
