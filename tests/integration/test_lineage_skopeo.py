"""Lineage end to end on real parts: Hub under gunicorn, a Celery worker indexing, images pushed with skopeo.

A Debian-like base (os-release and a real dpkg status database) is pushed as alice/debian:bookworm, then two
images built on it (alice/app, alice/tool); a critical Debian advisory on openssl makes a finding in all three.
The base is then re-pushed under the same tag with libssl3 at the fixed version (a changed dpkg status): the
derived images' base is detected, is outdated, and rebuilding would fix exactly that one advisory and change
that one package. Checked on the image page, the repository page and the API, as anonymous readers see them.
"""

import json
import time
import urllib.request

import pytest

from images.oci.build import LayerSpec, image_build
from tests.helpers.clients import skopeo
from tests.helpers.hub_server import celery_worker, hub_server
from tests.helpers.images import layout_write
from tests.helpers.integration import require_binary

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
PASSWORD = "alice-password-1"
OS_RELEASE = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
ADVISORY = {
    "id": "CVE-2099-0001",
    "modified": "2026-01-01T00:00:00Z",
    "summary": "openssl: a critical flaw",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "Debian:12", "name": "openssl"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.14-1~deb12u1"}]}],
        }
    ],
}


def dpkg_status(libssl: str) -> bytes:
    return (
        "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4+deb12u5\n\n"
        "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\n"
        f"Version: {libssl}\n\n"
    ).encode()


def base_layer(libssl: str) -> LayerSpec:
    files = {"etc/os-release": OS_RELEASE, "var/lib/dpkg/status": dpkg_status(libssl)}
    return LayerSpec(files, "/bin/sh -c #(nop) ADD rootfs.tar.xz in /")


def app_layer(name: str) -> LayerSpec:
    return LayerSpec({f"app/{name}": f"{name}\n".encode()}, f"COPY {name} /app/")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    workdir = tmp_path_factory.mktemp("lineage")
    with hub_server(workdir) as server:
        with celery_worker(server, workdir, "lineage-test"):
            server.user_create("alice", PASSWORD)
            advisories = workdir / "advisories"
            advisories.mkdir()
            (advisories / "CVE-2099-0001.json").write_text(json.dumps(ADVISORY))
            server.manage("import_vulns", str(advisories))
            server.token = server.token_create("alice")
            yield server


def push(hub, tmp_path, reference: str, layers: list[LayerSpec]) -> str:
    image = image_build(layers, cmd=["sh"])
    repository, tag = reference.split(":")
    source = layout_write(tmp_path / reference.replace("/", "-").replace(":", "-"), image, tag)
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"alice:{hub.token}", source,
           f"docker://{hub.host}/{reference}")  # fmt: skip
    return image.digest


def get(hub, path: str) -> str:
    with urllib.request.urlopen(hub.url + path, timeout=30) as response:
        return response.read().decode()


def wait_indexed(hub, repository: str, digest: str, timeout: float = 300) -> dict:
    """The image's API answer once the worker indexed it (its packages and findings are written together)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = json.loads(get(hub, f"/v2/repositories/{repository}/images/{digest}/"))
        if body["package_count"] > 0:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{repository}@{digest} was not indexed in {timeout} s")


def test_base_detected_outdated_and_rebuild_fixes_one(hub, tmp_path):
    old_base = push(hub, tmp_path, "alice/debian:bookworm", [base_layer("3.0.11-1~deb12u2")])
    app = push(hub, tmp_path, "alice/app:1", [base_layer("3.0.11-1~deb12u2"), app_layer("app")])
    tool = push(hub, tmp_path, "alice/tool:1", [base_layer("3.0.11-1~deb12u2"), app_layer("tool")])
    for repository, digest in (("alice/debian", old_base), ("alice/app", app), ("alice/tool", tool)):
        body = wait_indexed(hub, repository, digest)
        assert body["vulnerabilities"]["critical"] == 1, body

    body = json.loads(get(hub, f"/v2/repositories/alice/app/images/{app}/"))
    assert body["lineage"]["base"]["repository"] == "alice/debian"
    assert body["lineage"]["base"]["digest"] == old_base and body["lineage"]["base"]["layers"] == 1
    assert body["lineage"]["base_update"] is None
    assert "Used as a base by 2 images" in get(hub, "/r/alice/debian")

    new_base = push(hub, tmp_path, "alice/debian:bookworm", [base_layer("3.0.14-1~deb12u1")])
    assert wait_indexed(hub, "alice/debian", new_base)["vulnerabilities"]["critical"] == 0
    for repository, digest in (("alice/app", app), ("alice/tool", tool)):
        lineage = json.loads(get(hub, f"/v2/repositories/{repository}/images/{digest}/"))["lineage"]
        assert lineage["base"]["digest"] == old_base and lineage["base"]["tag"] == "bookworm"
        update = lineage["base_update"]
        assert update["digest"] == new_base
        assert (update["fixes"], update["fixes_critical_high"], update["packages_changed"]) == (1, 1, 1)
    page = get(hub, f"/r/alice/app/tags/1/images/{app}")
    assert "Built FROM" in page and "alice/debian:bookworm" in page
    assert "rebuilding would fix 1 vulnerability" in page and "(1 critical/high)" in page
    assert "change 1 package" in page and 'class="badge layer-base"' in page
