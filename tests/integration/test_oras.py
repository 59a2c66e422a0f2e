"""oras (the Python SDK) against a real Hub: push an artifact with a `subject`, chunked, and find it
again through the referrers API."""

import hashlib
import json

import pytest
import requests

from tests.helpers.hub_server import hub_server
from tests.helpers.integration import require

pytestmark = pytest.mark.integration
PASSWORD = "alice-password-1"
SIGNATURE_TYPE = "application/vnd.example.signature.v1+json"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with hub_server(tmp_path_factory.mktemp("hub")) as server:
        server.user_create("alice", PASSWORD)
        yield server


def oras_client(hub):
    try:
        from oras.provider import Registry
    except ImportError:
        require(False, "the `oras` Python package is not installed (pip install oras)")
    client = Registry(hostname=hub.host, insecure=True)
    client.auth.set_basic_auth("alice", PASSWORD)
    return client


def bearer(hub, scope: str) -> dict:
    token = requests.get(f"{hub.url}/token", params={"scope": scope}, auth=("alice", PASSWORD), timeout=10).json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_artifact_with_subject_is_listed_as_referrer(hub, tmp_path, monkeypatch):
    client = oras_client(hub)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "artifact.txt").write_bytes(b"the thing being signed\n" * 1000)
    client.push(target=f"{hub.host}/alice/artifact:v1", files=["artifact.txt"], do_chunked=True, chunk_size=4096)

    scope = "repository:alice/artifact:pull"
    response = requests.get(
        f"{hub.url}/v2/alice/artifact/manifests/v1",
        headers={**bearer(hub, scope), "Accept": "application/vnd.oci.image.manifest.v1+json"},
        timeout=10,
    )
    assert response.status_code == 200
    subject_digest = "sha256:" + hashlib.sha256(response.content).hexdigest()
    assert response.headers["Docker-Content-Digest"] == subject_digest

    from oras.oci import Subject

    (tmp_path / "signature.json").write_text('{"signed": true}')
    (tmp_path / "config.json").write_text("{}")
    client.push(
        target=f"{hub.host}/alice/artifact:signature",
        files=["signature.json"],
        manifest_config=f"config.json:{SIGNATURE_TYPE}",
        manifest_annotations={"org.example.signer": "alice"},
        subject=Subject(
            mediaType="application/vnd.oci.image.manifest.v1+json", digest=subject_digest, size=len(response.content)
        ),
    )

    referrers = requests.get(
        f"{hub.url}/v2/alice/artifact/referrers/{subject_digest}", headers=bearer(hub, scope), timeout=10
    )
    assert referrers.status_code == 200
    manifests = referrers.json()["manifests"]
    assert len(manifests) == 1
    assert manifests[0]["artifactType"] == SIGNATURE_TYPE
    assert manifests[0]["annotations"] == {"org.example.signer": "alice"}

    filtered = requests.get(
        f"{hub.url}/v2/alice/artifact/referrers/{subject_digest}",
        params={"artifactType": "application/other"},
        headers=bearer(hub, scope),
        timeout=10,
    )
    assert filtered.headers["OCI-Filters-Applied"] == "artifactType"
    assert filtered.json()["manifests"] == []

    pulled = client.pull(target=f"{hub.host}/alice/artifact:v1", outdir=str(tmp_path / "out"))
    assert json.dumps(sorted(p.rsplit("/", 1)[-1] for p in pulled)) == '["artifact.txt"]'
    assert (tmp_path / "out" / "artifact.txt").read_bytes() == (tmp_path / "artifact.txt").read_bytes()
