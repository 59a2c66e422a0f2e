"""A user added through the real admin form (/admin/, Users → Add) on a running Hub pushes to their
namespace with skopeo: the namespace came with the user, whatever created them (issue #13)."""

import json
import re

import pytest
import requests

from tests.helpers.clients import skopeo
from tests.helpers.hub_server import hub_server
from tests.helpers.images import debian_image, layout_write
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration
ADMIN_PASSWORD = "root-password-1"
PASSWORD = "a-long-pass-phrase"


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _admin_session(hub) -> requests.Session:
    session = requests.Session()
    login = f"{hub.url}/admin/login/"
    page = session.get(login, params={"next": "/admin/"}, timeout=30)
    form = {"username": "root", "password": ADMIN_PASSWORD, "next": "/admin/", "csrfmiddlewaretoken": _csrf(page.text)}
    response = session.post(login, data=form, headers={"Referer": login}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text
    return session


def _admin_add_user(session: requests.Session, hub, username: str) -> requests.Response:
    url = f"{hub.url}/admin/accounts/user/add/"
    form = {
        "csrfmiddlewaretoken": _csrf(session.get(url, timeout=30).text),
        "username": username,
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "_save": "Save",
    }
    return session.post(url, data=form, headers={"Referer": url}, allow_redirects=False, timeout=30)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("skopeo")
    with hub_server(tmp_path_factory.mktemp("hub")) as server:
        server.manage(
            "shell",
            "-c",
            "from hub.accounts.services import user_create;"
            f"user_create(username='root', password={ADMIN_PASSWORD!r}, is_superuser=True);"
            "from images.services.organizations import organization_create;"
            "from hub.accounts.models import User;"
            "organization_create(owner=User.objects.get(username='root'), name='acme')",
        )
        yield server


def test_a_user_added_in_the_admin_pushes_to_their_namespace(hub, tmp_path):
    session = _admin_session(hub)
    response = _admin_add_user(session, hub, "newbie")
    assert response.status_code == 302, response.text  # to the new user's change page
    assert re.search(r"/admin/accounts/user/\d+/change/", response.headers["Location"])

    image = debian_image(marker="admin-made")
    source = layout_write(tmp_path / "src", image, "v1")
    target = f"docker://{hub.host}/newbie/app:v1"
    skopeo("copy", "--dest-tls-verify=false", "--dest-creds", f"newbie:{PASSWORD}", source, target)
    info = json.loads(skopeo("inspect", "--tls-verify=false", "--creds", f"newbie:{PASSWORD}", target).stdout)
    assert info["Digest"] == image.digest


def test_the_admin_form_refuses_an_organizations_name(hub):
    response = _admin_add_user(_admin_session(hub), hub, "acme")
    assert response.status_code == 200  # the form again, with the reason
    assert "already taken" in response.text
