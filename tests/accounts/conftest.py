import pytest

from hub.accounts.services import user_create
from images.services.organizations import organization_create


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return user_create(username="alice", password="alice-password", email="alice@example.org")


@pytest.fixture
def bob(db):
    return user_create(username="bob", password="bob-password", email="bob@example.org")


@pytest.fixture
def acme(alice):
    return organization_create(owner=alice, name="acme", display_name="Acme Inc.")
