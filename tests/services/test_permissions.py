"""The one permission rule: owners do everything, others pull public repositories."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hub.accounts.services import user_create
from images.models import Namespace, Repository
from images.services.permissions import repository_permissions, repository_readable_filter


@pytest.fixture
def repository(alice):
    return Repository.objects.create(namespace=Namespace.objects.get(name="alice"), name="app")


def test_owner_anonymous_other(alice, bob, repository):
    assert repository_permissions(alice, "alice", repository) == {"pull", "push", "delete"}
    assert repository_permissions(alice, "alice", None) == {"pull", "push", "delete"}
    assert repository_permissions(bob, "alice", repository) == {"pull"}
    assert repository_permissions(None, "alice", repository) == {"pull"}
    assert repository_permissions(AnonymousUser(), "alice", repository) == {"pull"}
    assert repository_permissions(bob, "alice", None) == set()
    assert repository_permissions(bob, "nobody", None) == set()


def test_private_repository(alice, bob, repository):
    repository.is_private = True
    repository.save()
    assert repository_permissions(bob, "alice", repository) == set()
    assert repository_permissions(None, "alice", repository) == set()
    assert list(Repository.objects.filter(repository_readable_filter(bob))) == []
    assert list(Repository.objects.filter(repository_readable_filter(alice))) == [repository]


def test_superuser_and_inactive(alice, repository, db):
    root = user_create(username="root", password="x", is_superuser=True)
    assert repository_permissions(root, "alice", None) == {"pull", "push", "delete"}
    alice.is_active = False
    assert repository_permissions(alice, "alice", repository) == {"pull"}
