import pytest

from hub.accounts.services import user_create
from images.models import Repository

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_empty_catalogue_says_how_to_push_or_mirror(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No images yet" in page
    assert "podman push" in page and "skopeo copy" in page


def test_lists_public_repositories_and_hides_private_ones(client):
    alice = user_create(username="alice", password="pw-alice-123456")
    Repository.objects.create(namespace=alice.namespace, name="web", short_description="A web server")
    Repository.objects.create(namespace=alice.namespace, name="secret", is_private=True)
    page = client.get("/").content.decode()
    assert "alice/web" in page and "A web server" in page
    assert "alice/secret" not in page

    client.force_login(alice)
    assert "alice/secret" in client.get("/").content.decode()
