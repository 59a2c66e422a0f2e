"""Debian's Go docker-registry (the reference implementation) and Hub exchange images with skopeo
and agree on every digest: nothing is re-encoded on the way through Hub."""

import json

import pytest

from tests.helpers.clients import skopeo as run_skopeo
from tests.helpers.hub_server import hub_server
from tests.helpers.images import debian_image, layout_write, multi_platform_index
from tests.helpers.integration import require_binary
from tests.helpers.upstream import docker_registry

pytestmark = pytest.mark.integration
PASSWORD = "alice-password-1"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    with hub_server(tmp_path_factory.mktemp("hub")) as server:
        server.user_create("alice", PASSWORD)
        yield server


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    with docker_registry(tmp_path_factory.mktemp("upstream")) as host:
        yield host


def skopeo(*args: str) -> str:
    return run_skopeo(*args).stdout


def raw(reference: str, *creds: str) -> bytes:
    return skopeo("inspect", "--raw", "--tls-verify=false", *creds, reference).encode()


@pytest.mark.parametrize("kind", ["image", "index"])
def test_upstream_to_hub_and_back_keeps_digests(hub, upstream, tmp_path, kind):
    target = debian_image(marker="upstream") if kind == "image" else multi_platform_index(marker="upstream")
    flags = ["--all"] if kind == "index" else []
    creds = ["--dest-creds", f"alice:{PASSWORD}"]
    skopeo("copy", *flags, "--dest-tls-verify=false", layout_write(tmp_path / "src", target, "v1"),
           f"docker://{upstream}/debian/{kind}:v1")  # fmt: skip
    skopeo("copy", *flags, "--src-tls-verify=false", "--dest-tls-verify=false", *creds,
           f"docker://{upstream}/debian/{kind}:v1", f"docker://{hub.host}/alice/{kind}:v1")  # fmt: skip
    skopeo("copy", *flags, "--src-tls-verify=false", "--dest-tls-verify=false",
           f"docker://{hub.host}/alice/{kind}:v1", f"docker://{upstream}/back/{kind}:v1")  # fmt: skip

    original = raw(f"docker://{upstream}/debian/{kind}:v1")
    assert original == target.manifest
    assert raw(f"docker://{hub.host}/alice/{kind}:v1") == original
    assert raw(f"docker://{upstream}/back/{kind}:v1") == original
    hub_info = json.loads(skopeo("inspect", "--tls-verify=false", f"docker://{hub.host}/alice/{kind}:v1"))
    upstream_info = json.loads(skopeo("inspect", "--tls-verify=false", f"docker://{upstream}/back/{kind}:v1"))
    assert hub_info["Digest"] == upstream_info["Digest"]
    assert hub_info["Layers"] == upstream_info["Layers"]
