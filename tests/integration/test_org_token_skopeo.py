"""skopeo against a real Hub under gunicorn, logged in as an organization with its access token."""

import json

import pytest

from tests.helpers.clients import skopeo
from tests.helpers.hub_server import hub_server
from tests.helpers.images import debian_image, layout_write
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    with hub_server(tmp_path_factory.mktemp("hub")) as server:
        server.manage(
            "shell",
            "-c",
            "from hub.accounts.services import user_create;"
            "from images.services.organizations import organization_create;"
            "organization_create(owner=user_create(username='alice', password='alice-password-1'), name='acme');"
            "user_create(username='zed', password='zed-password-1')",
        )
        server.write_token = server.manage("create_org_token", "acme", "--scope", "read-write").strip()
        server.read_token = server.manage("create_org_token", "acme", "--scope", "read").strip()
        yield server


def test_org_token_pushes_and_pulls_within_the_organization_only(hub, tmp_path):
    image = debian_image(marker="org-token")
    source = layout_write(tmp_path / "src", image, "v1")
    target = f"docker://{hub.host}/acme/app:v1"
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"acme:{hub.write_token}", source, target)
    hub.manage(
        "shell",
        "-c",
        "from images.models import Repository; Repository.objects.filter(name='app').update(is_private=True)",
    )

    info = skopeo("inspect", "--tls-verify=false", "--creds", f"acme:{hub.read_token}", target).stdout
    assert json.loads(info)["Digest"] == image.digest
    anonymous = skopeo("inspect", "--tls-verify=false", target, check=False)
    assert anonymous.returncode != 0

    # A read token may not push; no token of acme may push outside acme.
    refused = skopeo(
        "copy", "--dest-tls-verify=false", "--dest-creds", f"acme:{hub.read_token}", source,
        f"docker://{hub.host}/acme/app:v2", check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    outside = skopeo(
        "copy", "--dest-tls-verify=false", "--dest-creds", f"acme:{hub.write_token}", source,
        f"docker://{hub.host}/zed/app:v1", check=False,
    )  # fmt: skip
    assert outside.returncode != 0
    # The token belongs to the organization's name: another username with it is refused at login.
    wrong = skopeo("inspect", "--tls-verify=false", "--creds", f"zed:{hub.write_token}", target, check=False)
    assert wrong.returncode != 0
