"""Fixtures shared by the console, curation and webhook tests: people, an organization, eager Celery."""

import pytest
from django.contrib.auth.models import Group

from hub.accounts.services import user_create
from images.services.organizations import membership_set, organization_create
from tests.webhooks.receiver import Receiver


@pytest.fixture
def carol(db):
    """A curator: a member of the `curators` group, nothing else."""
    user = user_create(username="carol", password="carol-password", email="carol@example.org")
    user.groups.add(Group.objects.get(name="curators"))
    return user


@pytest.fixture
def admin(db):
    return user_create(username="root", password="root-password", is_superuser=True)


@pytest.fixture
def acme(alice, bob):
    """An organization owned by alice, where bob is an editor."""
    org = organization_create(owner=alice, name="acme")
    membership_set(organization=org, user=bob, role="editor")
    return org


@pytest.fixture
def eager():
    """Celery tasks run in the calling process (retries too, without their countdown)."""
    from hub.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def login(client, user, password: str | None = None):
    client.force_login(user)
    return client
