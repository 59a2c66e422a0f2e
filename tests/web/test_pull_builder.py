"""The pull-command builder on the repository, tag and image pages (Django test client, no script)."""

import html as html_lib
import re

import pytest

from images.models import Manifest
from tests.search import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def nginx():
    return catalogue.repository(
        "library/nginx",
        platforms=("linux/amd64", "linux/arm64/v8"),
        tags=("1.26", "1.27", "latest"),
    )


def command(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    found = re.search(r'class="command-box" tabindex="0"><code>(.*?)</code>', response.content.decode(), re.S)
    return html_lib.unescape(found.group(1))


def test_repository_page_builds_every_choice_server_side(client, nginx):
    index = Manifest.objects.get(repository=nginx, tags__name="1.26")
    arm = index.child_links.get(architecture="arm64").child
    assert command(client, "/_/nginx") == "docker pull testserver/nginx:latest"
    assert command(client, "/_/nginx", pull_tag="1.26", pull_client="podman") == "podman pull testserver/nginx:1.26"
    pinned = command(client, "/_/nginx", pull_tag="1.26", pull_pin="digest")
    assert pinned == f"docker pull testserver/nginx@{index.digest}"
    # A platform's digest names its image: no --platform beside it.
    arm_pin = {"pull_tag": "1.26", "pull_platform": "linux/arm64/v8", "pull_pin": "digest", "pull_client": "dockerfile"}
    assert command(client, "/_/nginx", **arm_pin) == f"FROM testserver/nginx@{arm.digest}"
    assert (
        command(client, "/_/nginx", pull_tag="1.27", pull_platform="linux/arm64/v8", pull_client="compose")
        == "image: testserver/nginx:1.27\nplatform: linux/arm64/v8"
    )


def test_the_form_works_without_script_and_offers_every_client(client, nginx):
    html = client.get("/_/nginx").content.decode()
    assert 'action="/_/nginx#pull" method="get"' in html  # a plain GET form re-renders the page at the box
    assert '<button type="submit" class="button js-hide">Show command</button>' in html
    for client_name in ("docker", "podman", "nerdctl", "skopeo", "dockerfile", "kubernetes", "compose"):
        assert f'<option value="{client_name}"' in html
    assert '<option value="linux/arm64/v8">' in html and '<option value="">Your machine\'s</option>' in html


def test_choices_that_name_nothing_fall_back_to_the_defaults(client, nginx):
    odd = {"pull_tag": "nope", "pull_platform": "plan9/mips", "pull_pin": "x", "pull_client": "curl"}
    assert command(client, "/_/nginx", **odd) == "docker pull testserver/nginx:latest"


def test_a_tag_that_is_not_among_the_recent_ones_is_read_when_asked_for(client, nginx):
    for i in range(8):
        catalogue.image_tag(nginx, f"0.{i}")
    assert command(client, "/_/nginx", pull_tag="1.26") == "docker pull testserver/nginx:1.26"


def test_image_page_pulls_the_platform_it_shows(client, nginx):
    latest = Manifest.objects.get(repository=nginx, tags__name="latest")
    arm = latest.child_links.get(architecture="arm64").child
    url = f"/_/nginx/tags/latest/images/{arm.digest}"
    assert command(client, url) == "docker pull --platform linux/arm64/v8 testserver/nginx:latest"
    assert command(client, url, pull_pin="digest", pull_platform="linux/arm64/v8", pull_client="skopeo") == (
        f"skopeo copy docker://testserver/nginx@{arm.digest} oci:./nginx:latest"
    )


def test_namespaced_repository_and_a_one_platform_tag(client):
    repo = catalogue.repository("alice/web", platforms=("linux/amd64",), tags=("v1",))
    image = Manifest.objects.get(repository=repo, tags__name="v1")
    url = f"/r/alice/web/tags/v1/images/{image.digest}"
    assert command(client, url) == "docker pull testserver/alice/web:v1"
    assert command(client, url, pull_client="kubernetes") == "image: testserver/alice/web:v1"


def test_htmx_swaps_only_the_builder(client, nginx):
    html = client.get("/_/nginx").content.decode()
    assert 'hx-get="/_/nginx" hx-trigger="change" hx-target="#pull" hx-select="#pull"' in html
