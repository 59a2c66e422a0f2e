"""An image's detail, packages, vulnerabilities and SBOM."""

import pytest

pytestmark = pytest.mark.django_db


def base(shelf) -> str:
    return f"/v2/repositories/library/nginx/images/{shelf['image'].digest}"


def test_detail(client, shelf):
    response = client.get(base(shelf) + "/")
    assert response.status_code == 200
    body = response.json()
    assert body["digest"] == shelf["image"].digest and body["architecture"] == "amd64"
    assert body["package_count"] == 2 and body["os_name"].startswith("Debian")
    assert body["vulnerabilities"] == {"critical": 0, "high": 1, "medium": 0, "low": 1, "unknown": 0}
    assert len(body["layers"]) == 3


def test_packages(client, shelf):
    body = client.get(base(shelf) + "/packages/").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    openssl = next(p for p in body["results"] if p["name"] == "openssl")
    assert openssl["purl"] == "pkg:deb/debian/openssl@3.0.11-1"
    assert openssl["layer_instruction"] == "RUN apt-get install -y openssl"
    assert client.get(base(shelf) + "/packages/", {"name": "bas"}).json()["count"] == 1
    assert client.get(base(shelf) + "/packages/", {"type": "npm"}).json()["count"] == 0


def test_vulnerabilities(client, shelf):
    body = client.get(base(shelf) + "/vulnerabilities/").json()
    assert [(v["id"], v["severity"], v["fixed_version"], v["fix_state"]) for v in body["results"]] == [
        ("CVE-2024-0001", "high", "3.0.13-1", "fixed"),
        ("CVE-2024-0002", "low", "", "unfixed"),
    ]
    assert body["results"][0]["package"]["name"] == "openssl"
    assert client.get(base(shelf) + "/vulnerabilities/", {"fixable": "true"}).json()["count"] == 1
    assert client.get(base(shelf) + "/vulnerabilities/", {"severity": "low"}).json()["count"] == 1
    assert client.get(base(shelf) + "/vulnerabilities/", {"severity": "dire"}).status_code == 400
    assert client.get(base(shelf) + "/vulnerabilities/", {"fixable": "maybe"}).status_code == 400


def test_sbom(client, shelf):
    cyclonedx = client.get(base(shelf) + "/sbom/").json()
    assert cyclonedx["bomFormat"] == "CycloneDX" and cyclonedx["specVersion"] == "1.6"
    assert {c["name"] for c in cyclonedx["components"]} == {"openssl", "bash"}
    spdx = client.get(base(shelf) + "/sbom/", {"format": "spdx"}).json()
    assert spdx["spdxVersion"] == "SPDX-2.3"
    assert {p["name"] for p in spdx["packages"]} >= {"openssl", "bash"}
    assert client.get(base(shelf) + "/sbom/", {"format": "xml"}).status_code == 400


def test_unknown_or_index_digest_is_404(client, shelf):
    index = shelf["nginx"].tags.get(name="latest").manifest.digest
    for digest in (index, "sha256:" + "0" * 64, "not-a-digest"):
        response = client.get(f"/v2/repositories/library/nginx/images/{digest}/packages/")
        assert response.status_code == 404, digest
        assert response.json()["message"].startswith("image ")
