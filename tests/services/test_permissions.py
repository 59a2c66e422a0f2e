"""The one permission rule: owners do everything, others pull public repositories."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hub.accounts.services import user_create
from images.models import Namespace, Repository
from images.services.authorization import readable_filter, registry_actions


@pytest.fixture
def repository(alice):
    return Repository.objects.create(namespace=Namespace.objects.get(name="alice"), name="app")


def test_owner_anonymous_other(alice, bob, repository):
    assert registry_actions(alice, repository, namespace_name="alice") == {"pull", "push", "delete"}
    assert registry_actions(alice, None, namespace_name="alice") == {"pull", "push", "delete"}
    assert registry_actions(bob, repository, namespace_name="alice") == {"pull"}
    assert registry_actions(None, repository, namespace_name="alice") == {"pull"}
    assert registry_actions(AnonymousUser(), repository, namespace_name="alice") == {"pull"}
    assert registry_actions(bob, None, namespace_name="alice") == set()
    assert registry_actions(bob, None, namespace_name="nobody") == set()


def test_private_repository(alice, bob, repository):
    repository.is_private = True
    repository.save()
    assert registry_actions(bob, repository, namespace_name="alice") == set()
    assert registry_actions(None, repository, namespace_name="alice") == set()
    assert list(Repository.objects.filter(readable_filter(bob))) == []
    assert list(Repository.objects.filter(readable_filter(alice))) == [repository]


def test_superuser_and_inactive(alice, repository, db):
    root = user_create(username="root", password="x", is_superuser=True)
    assert registry_actions(root, None, namespace_name="alice") == {"pull", "push", "delete"}
    alice.is_active = False
    assert registry_actions(alice, repository, namespace_name="alice") == {"pull"}
