"""`/v2/_catalog`: paged, and only what the caller may read."""

import pytest

from images.models import Repository
from tests.registry.conftest import RegistryClient


@pytest.fixture
def repositories(registry, client, bob):
    for name in ("alice/b", "alice/a", "alice/c/d"):
        registry.push_image(name, "v1")
    RegistryClient(client, "bob", "bob-password").push_image("bob/x", "v1")
    Repository.objects.filter(name="c/d").update(is_private=True)


@pytest.mark.both_databases
def test_catalog_shows_what_the_caller_may_read(repositories, client, registry):
    assert registry.call("GET", "/v2/_catalog").json() == {"repositories": ["alice/a", "alice/b", "alice/c/d", "bob/x"]}
    anonymous = RegistryClient(client)
    assert anonymous.call("GET", "/v2/_catalog").json() == {"repositories": ["alice/a", "alice/b", "bob/x"]}


def test_catalog_pages(repositories, registry):
    response = registry.call("GET", "/v2/_catalog?n=2")
    assert response.json()["repositories"] == ["alice/a", "alice/b"]
    assert response["Link"] == '</v2/_catalog?n=2&last=alice%2Fb>; rel="next"'
    response = registry.call("GET", "/v2/_catalog?n=2&last=alice/b")
    assert response.json()["repositories"] == ["alice/c/d", "bob/x"]


def test_catalog_needs_catalog_scope(repositories, registry):
    response = registry.call("GET", "/v2/_catalog", scopes=("repository:alice/a:pull",))
    assert response.status_code == 403
    assert 'scope="registry:catalog:*"' in response["WWW-Authenticate"]
