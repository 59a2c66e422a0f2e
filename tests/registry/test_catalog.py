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


def test_an_organization_token_lists_its_private_repositories(client, alice):
    from images.services.organizations import org_token_create, organization_create

    acme = organization_create(owner=alice, name="acme")
    Repository.objects.create(namespace=acme, name="internal", is_private=True)
    Repository.objects.create(namespace=acme, name="public")
    _, secret = org_token_create(organization=acme, created_by=alice, name="ci", scope="read")
    listed = RegistryClient(client, "acme", secret).call("GET", "/v2/_catalog").json()["repositories"]
    assert listed == ["acme/internal", "acme/public"]
