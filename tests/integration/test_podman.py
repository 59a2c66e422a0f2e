"""podman login/push/pull against a real Hub (rootful or rootless, vfs storage in a temp root)."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers.hub_server import hub_server
from tests.helpers.images import debian_image, layout_write
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration
PASSWORD = "alice-password-1"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("podman")
    with hub_server(tmp_path_factory.mktemp("hub")) as server:
        server.user_create("alice", PASSWORD)
        server.token = server.token_create("alice", scope="read-write")
        yield server


@pytest.fixture
def podman(tmp_path):
    authfile = tmp_path / "auth.json"
    authfile.write_text('{"auths": {}}')
    # podman refuses a runroot path longer than 50 characters; pytest's tmp paths are longer.
    runroot = Path(tempfile.mkdtemp(prefix="hub-podman-", dir="/tmp"))

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [
            "podman", "--root", str(tmp_path / "root"), "--runroot", str(runroot),
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none", *args,
        ]  # fmt: skip
        env = {"REGISTRY_AUTH_FILE": str(authfile), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(tmp_path)}
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
        if check and result.returncode:
            raise AssertionError(f"podman {' '.join(args)} failed:\n{result.stderr}")
        return result

    yield run
    run("system", "reset", "--force", check=False)
    shutil.rmtree(runroot, ignore_errors=True)


def test_login_push_pull(hub, podman, tmp_path):
    image = debian_image(marker="podman")
    podman("pull", layout_write(tmp_path / "src", image, "v1"))
    reference = f"{hub.host}/alice/podman:v1"
    podman("tag", _image_id(podman), reference)

    assert podman("login", "--tls-verify=false", "-u", "alice", "-p", "wrong", hub.host, check=False).returncode != 0
    podman("login", "--tls-verify=false", "-u", "alice", "-p", hub.token, hub.host)
    podman("push", "--tls-verify=false", reference)

    podman("rmi", "-a", "-f")
    podman("pull", "--tls-verify=false", reference)
    inspected = json.loads(podman("image", "inspect", reference).stdout)[0]
    assert inspected["Architecture"] == "amd64"
    assert len(inspected["RootFS"]["Layers"]) == 2
    assert inspected["Config"]["Cmd"] == ["cat", "/app/hello.txt"]

    # A second push of the same image uploads nothing new and keeps the digest.
    pushed = podman("push", "--tls-verify=false", "--digestfile", str(tmp_path / "digest"), reference)
    assert pushed.returncode == 0
    digest = (tmp_path / "digest").read_text().strip()
    podman("pull", "--tls-verify=false", f"{hub.host}/alice/podman@{digest}")


def test_anonymous_pull_and_logout(hub, podman, tmp_path):
    image = debian_image(marker="podman-anon")
    podman("pull", layout_write(tmp_path / "src", image, "v1"))
    reference = f"{hub.host}/alice/anon:v1"
    podman("tag", _image_id(podman), reference)
    podman("login", "--tls-verify=false", "-u", "alice", "-p", hub.token, hub.host)
    podman("push", "--tls-verify=false", reference)
    podman("logout", hub.host)
    podman("rmi", "-a", "-f")
    podman("pull", "--tls-verify=false", reference)
    refused = podman("push", "--tls-verify=false", reference, check=False)
    assert refused.returncode != 0


def _image_id(podman) -> str:
    return podman("images", "--format", "{{.ID}}").stdout.split()[0]
