"""A NUL in an address is answered with a message before any view runs, on pages and the Hub API: 404 in the
path (it names nothing), 400 in a query parameter. PostgreSQL refuses a NUL in any text, so a view that passed
one to a query ended in a server error (schemathesis found it in the catalog search; the same held for tag
filters, package filters and names in paths)."""

import pytest

from images.models import Manifest
from tests.search import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def image():
    nginx = catalogue.repository("library/nginx", tags=("latest",), platforms=("linux/amd64",))
    manifest = Manifest.objects.get(repository=nginx, tags__name="latest")
    return manifest.child_links.first().child if manifest.is_index else manifest


@pytest.mark.parametrize(
    "url, status",
    [
        ("/search?q=bit%00nami/nginx", 400),
        ("/search?q=nginx&arch=%00", 400),
        ("/_/nginx/tags?name=a%00b", 400),
        ("/_/nginx/tags/latest/images/{digest}?package=a%00b", 400),
        ("/_/nginx/tags/a%00b", 404),
        ("/u/a%00b", 404),
        ("/r/a%00b/x", 404),
    ],
)
def test_pages_answer_with_a_message(client, image, url, status):
    response = client.get(url.format(digest=image.digest))
    assert response.status_code == status
    assert "NUL character" in response.content.decode()
    assert "<main" in response.content.decode()  # the site's page, with its header and search


@pytest.mark.parametrize(
    "url, status",
    [
        ("/v2/search/catalog/?query=bit%00nami/nginx", 400),
        ("/v2/search/catalog/?query=nginx&operating_systems=%00", 400),
        ("/v2/search/repositories/?query=a%00b", 400),
        ("/v1/search?q=a%00b", 400),
        ("/v2/repositories/library/nginx/tags/?name=a%00b", 400),
        ("/v2/repositories/library/nginx/images/{digest}/packages?name=a%00b", 400),
        ("/v2/repositories/library/nginx/images/{digest}/vulnerabilities?search=a%00b", 400),
        ("/v2/repositories/a%00b/", 404),
        ("/v2/namespaces/a%00b/repositories", 404),
    ],
)
def test_the_api_answers_in_json(client, image, url, status):
    response = client.get(url.format(digest=image.digest))
    assert response.status_code == status
    assert "NUL character" in response.json()["message"]


def test_registry_paths_keep_their_own_errors(client, image):
    response = client.get("/v2/library/a%00b/tags/list")
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["code"] in {"NAME_INVALID", "NAME_UNKNOWN", "UNAUTHORIZED", "DENIED"}
