"""hub.accounts.services: users (and their namespaces, whatever creates them), names, profiles, avatars."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from hub.accounts.models import User
from hub.accounts.services import avatar_set, profile_update, user_create, user_name_check
from images.models import Namespace
from images.services.organizations import organization_create
from tests.accounts.test_names import RESERVED

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.mark.parametrize("name", RESERVED)
def test_reserved_names_refused_for_users(name):
    with pytest.raises(ValidationError):
        user_create(username=name, password="x-password-1")
    assert not User.objects.filter(username__iexact=name).exists()


def test_user_and_organization_names_share_one_space(alice):
    with pytest.raises(ValidationError, match="taken"):
        organization_create(owner=alice, name="Alice")
    organization_create(owner=alice, name="acme")
    with pytest.raises(ValidationError, match="taken"):
        user_create(username="ACME", password="x-password-1")
    assert not User.objects.filter(username__iexact="acme").exists()


def test_user_name_check_says_why(alice, acme):
    assert user_name_check("Carol") == "carol"
    for name, code in [("a", "invalid"), ("library", "reserved"), ("ALICE", "taken"), ("acme", "taken")]:
        with pytest.raises(ValidationError) as refused:
            user_name_check(name)
        assert refused.value.code == code, name


def test_user_create_makes_the_users_namespace(alice):
    namespace = Namespace.objects.get(name="alice")
    assert namespace.kind == Namespace.Kind.USER and namespace.user == alice


def test_a_mixed_case_username_gets_a_lowercase_namespace(db):
    user = user_create(username="Dora", password="dora-password-1")
    assert Namespace.objects.get(user=user).name == "dora"


@pytest.mark.parametrize("superuser", [False, True])
def test_the_user_managers_own_create_makes_the_namespace_too(db, superuser):
    # Django's create_user / create_superuser (createsuperuser, pytest-django's admin_user) go through
    # the same User.objects._create_user as user_create.
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(username="erin", email="", password="erin-password-1")
    assert Namespace.objects.get(name="erin").user == user


def test_a_namespace_taken_meanwhile_refuses_the_user_and_writes_nothing(db):
    # What a race between the name check and the insert looks like: the namespace's unique name is
    # the last guard, and the user is rolled back with it.
    Namespace.objects.create(name="frank", kind=Namespace.Kind.ORGANIZATION)
    with pytest.raises(ValidationError, match="taken"):
        User.objects.create_user(username="frank", password="frank-password-1")
    assert not User.objects.filter(username="frank").exists()
    # The caller's transaction is still usable after the refusal (PostgreSQL aborts a failed one).
    with transaction.atomic():
        assert Namespace.objects.filter(name="frank").count() == 1


def test_a_username_taken_meanwhile_is_a_validation_error(alice):
    with pytest.raises(ValidationError, match="taken"):
        User.objects.create_user(username="alice", password="x-password-1")
    assert User.objects.filter(username="alice").count() == 1


def test_profile_update_shows_on_the_users_namespace(alice):
    profile_update(user=alice, display_name="Alice A.", url="https://alice.example")
    namespace = Namespace.objects.get(name="alice")
    assert (namespace.display_name, namespace.url) == ("Alice A.", "https://alice.example")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_avatar_must_be_a_small_image(alice):
    avatar_set(user=alice, data=PNG)
    assert alice.avatar_content_type == "image/png"
    with pytest.raises(ValidationError):
        avatar_set(user=alice, data=b"<svg onload=alert(1)>")
    with pytest.raises(ValidationError):
        avatar_set(user=alice, data=PNG + b"\x00" * 300_000)
    avatar_set(user=alice, data=None)
    assert alice.avatar_content_type == ""
