import base64

import pytest
from django.test import Client

from hub.accounts.services import access_token_create
from images.models import Tag
from tests.search import catalogue


def pat(user, scope: str) -> str:
    return access_token_create(user=user, name=f"{scope} token", scope=scope)[1]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def basic(username: str, password: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def api():
    """A client that sends JSON bodies."""

    class JsonClient(Client):
        def post(self, path, data=None, **extra):
            return super().post(path, data, content_type="application/json", **extra)

        def patch(self, path, data=None, **extra):
            return super().patch(path, data, content_type="application/json", **extra)

    return JsonClient()


@pytest.fixture
def shelf(alice):
    """A small catalogue: official, verified, a user's public and private repositories, tags and an indexed image."""
    catalogue.namespace("bitnami", verified=True)
    nginx = catalogue.repository(
        "library/nginx",
        short="Official build of Nginx.",
        pulls=1_000_000,
        stars=50,
        categories=("web-servers",),
        platforms=("linux/amd64", "linux/arm64/v8"),
        tags=("1.27", "1.9", "1.10", "latest"),
    )
    catalogue.repository("bitnami/nginx", short="Bitnami nginx", trusted="verified", pulls=5_000_000)
    catalogue.repository("alice/nginx-proxy", short="Automated reverse proxy", pulls=900)
    catalogue.repository("alice/secret-nginx", short="Private", private=True, pulls=10)
    catalogue.repository("library/redis", short="Redis", categories=("databases-storage",), pulls=500)
    tag = Tag.objects.select_related("manifest").get(repository=nginx, name="latest")
    child = tag.manifest.child_links.select_related("child").first().child
    contents = catalogue.image_contents(
        child,
        layers=[("/bin/sh -c #(nop) ADD file:abc in / ", 30_000), ("/bin/sh -c #(nop) CMD [\"nginx\"]", 0),
                ("RUN apt-get install -y openssl", 12_000)],
        packages=[("openssl", "3.0.11-1", 2), ("bash", "5.2.15-2", 0)],
        findings=[("CVE-2024-0001", "openssl", "high", "3.0.13-1"), ("CVE-2024-0002", "bash", "low", "")],
    )  # fmt: skip
    return {"nginx": nginx, "image": child, "contents": contents}
