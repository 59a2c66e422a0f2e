import pytest

from images.services.organizations import organization_create


@pytest.fixture
def acme(alice):
    return organization_create(owner=alice, name="acme", display_name="Acme Inc.")
