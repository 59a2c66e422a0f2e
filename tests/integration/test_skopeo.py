"""skopeo against a real Hub under gunicorn: copy in and out (OCI layout, docker-archive), inspect,
list-tags, delete, with and without credentials, and a multi-platform index kept byte-identical."""

import json

import pytest

from images.oci.build import sha256
from tests.helpers.clients import skopeo
from tests.helpers.hub_server import hub_server
from tests.helpers.images import debian_image, layout_write, multi_platform_index
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration
PASSWORD = "alice-password-1"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    with hub_server(tmp_path_factory.mktemp("hub")) as server:
        server.user_create("alice", PASSWORD)
        server.token = server.token_create("alice")
        yield server


def test_copy_in_and_out_with_a_personal_access_token(hub, tmp_path):
    image = debian_image(marker="skopeo")
    source = layout_write(tmp_path / "src", image, "v1")
    target = f"docker://{hub.host}/alice/debian:v1"
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"alice:{hub.token}", source, target)

    raw = skopeo("inspect", "--raw", "--tls-verify=false", target).stdout.encode()
    assert sha256(raw) == image.digest  # stored byte-for-byte
    info = json.loads(skopeo("inspect", "--tls-verify=false", target).stdout)
    assert info["Digest"] == image.digest
    assert info["Architecture"] == "amd64"
    assert len(info["Layers"]) == 2

    skopeo("copy", "--src-tls-verify=false", target, f"oci:{tmp_path / 'back'}:v1")
    index = json.loads((tmp_path / "back" / "index.json").read_text())
    assert index["manifests"][0]["digest"] == image.digest
    for blob in image.blobs:
        assert (tmp_path / "back" / "blobs" / "sha256" / blob[7:]).read_bytes() == image.blobs[blob]


def test_docker_archive_round_trip(hub, tmp_path):
    image = debian_image(marker="archive")
    archive = tmp_path / "image.tar"
    skopeo("copy", layout_write(tmp_path / "src", image, "v1"), f"docker-archive:{archive}:alice/archive:v1")
    target = f"docker://{hub.host}/alice/archive:v1"
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"alice:{PASSWORD}", f"docker-archive:{archive}", target)
    raw = json.loads(skopeo("inspect", "--raw", "--tls-verify=false", target).stdout)
    assert raw["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    out = tmp_path / "out.tar"
    skopeo("copy", "--src-tls-verify=false", target, f"docker-archive:{out}:alice/archive:v1")
    assert out.stat().st_size > 0
    info = json.loads(skopeo("inspect", f"docker-archive:{out}").stdout)
    assert info["Architecture"] == "amd64"


def test_anonymous_pull_works_and_anonymous_push_is_refused(hub, tmp_path):
    image = debian_image(marker="anonymous")
    source = layout_write(tmp_path / "src", image, "v1")
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"alice:{hub.token}", source,
           f"docker://{hub.host}/alice/public:v1")  # fmt: skip
    info = json.loads(skopeo("inspect", "--tls-verify=false", f"docker://{hub.host}/alice/public:v1").stdout)
    assert info["Digest"] == image.digest
    refused = skopeo("copy", "--dest-tls-verify=false", source, f"docker://{hub.host}/alice/public:v2", check=False)
    assert refused.returncode != 0
    assert "unauthorized" in refused.stderr.lower() or "denied" in refused.stderr.lower()


def test_login_list_tags_and_delete(hub, tmp_path):
    authfile = tmp_path / "auth.json"
    skopeo("login", "--tls-verify=false", "--authfile", str(authfile), "-u", "alice", "-p", hub.token, hub.host)
    bad = skopeo("login", "--tls-verify=false", "--authfile", str(tmp_path / "x.json"), "-u", "alice", "-p", "wrong",
                 hub.host, check=False)  # fmt: skip
    assert bad.returncode != 0
    images = {tag: debian_image(marker=tag) for tag in ("1.0", "1.1", "2.0")}
    for tag, image in images.items():
        skopeo("copy", "--dest-tls-verify=false", "--authfile", str(authfile),
               layout_write(tmp_path / tag, image, tag), f"docker://{hub.host}/alice/tags:{tag}")  # fmt: skip
    listed = json.loads(skopeo("list-tags", "--tls-verify=false", f"docker://{hub.host}/alice/tags").stdout)
    assert listed["Tags"] == ["1.0", "1.1", "2.0"]

    digest = images["1.1"].digest
    skopeo("delete", "--tls-verify=false", "--authfile", str(authfile), f"docker://{hub.host}/alice/tags@{digest}")
    gone = skopeo("inspect", "--raw", "--tls-verify=false", f"docker://{hub.host}/alice/tags:1.1", check=False)
    assert gone.returncode != 0
    listed = json.loads(skopeo("list-tags", "--tls-verify=false", f"docker://{hub.host}/alice/tags").stdout)
    assert listed["Tags"] == ["1.0", "2.0"]


def test_multi_platform_index_round_trip_is_byte_identical(hub, tmp_path):
    index = multi_platform_index(marker="multi")
    target = f"docker://{hub.host}/alice/multi:latest"
    skopeo("copy", "--all", "--dest-tls-verify=false", "--dest-creds", f"alice:{hub.token}",
           layout_write(tmp_path / "src", index, "latest"), target)  # fmt: skip
    raw = skopeo("inspect", "--raw", "--tls-verify=false", target).stdout.encode()
    assert raw == index.manifest
    skopeo("copy", "--all", "--src-tls-verify=false", target, f"oci:{tmp_path / 'back'}:latest")
    back = json.loads((tmp_path / "back" / "index.json").read_text())
    assert back["manifests"][0]["digest"] == sha256(index.manifest)
    blobs = tmp_path / "back" / "blobs" / "sha256"
    assert (blobs / sha256(index.manifest)[7:]).read_bytes() == index.manifest
    for image in index.images:
        assert (blobs / image.digest[7:]).read_bytes() == image.manifest
        for digest, data in image.blobs.items():
            assert (blobs / digest[7:]).read_bytes() == data
