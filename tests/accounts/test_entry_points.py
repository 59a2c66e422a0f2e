"""Every way a user is created gives them their namespace, and refuses the names accounts may not take.

The entry points: the signup page, the admin's Users → Add form, `createsuperuser`, `ensure_admin`,
and user_create itself (what tests and scripts call). All end in User.objects._create_user, whose
user_created signal makes the namespace in the same transaction.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from hub.accounts.models import User
from hub.accounts.services import user_create
from images.models import Namespace

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PASSWORD = "a-long-pass-phrase"
ADD = "/admin/accounts/user/add/"


def _has_its_namespace(username: str) -> User:
    user = User.objects.get(username=username)
    namespace = Namespace.objects.get(name=username.lower())
    assert namespace.kind == Namespace.Kind.USER and namespace.user == user
    return user


@pytest.fixture
def staff(client, alice):
    """A staff member (not a superuser) allowed to add users in the admin, signed in."""
    user = user_create(username="staffer", password=PASSWORD)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_user", "change_user", "view_user"]))
    client.force_login(user)
    return user


def _admin_add(client, username: str, **extra):
    form = {"username": username, "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(ADD, {**form, "_save": "Save"})


# --- signup ------------------------------------------------------------------------------------------


def test_signup(client, db):
    form = {"username": "Carol", "email": "carol@example.org", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post("/signup/", form).status_code == 302
    _has_its_namespace("carol")  # the signup form lowercases the name


def test_signup_refuses_an_organizations_name_with_a_form_error(client, acme):
    form = {"username": "Acme", "email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/signup/", form)
    assert response.status_code == 400
    assert "already taken" in " ".join(response.context["form"].errors["username"])
    assert not User.objects.filter(username__iexact="acme").exists()


# --- the admin's Users → Add -------------------------------------------------------------------------


def test_admin_add_form(client, staff):
    response = _admin_add(client, "dave")
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    dave = _has_its_namespace("dave")
    assert dave.check_password(PASSWORD) and not dave.is_staff


def test_admin_add_form_without_a_password(client, staff):
    response = client.post(ADD, {"username": "sso-only", "usable_password": "false", "_save": "Save"})
    assert response.status_code == 302
    assert not _has_its_namespace("sso-only").has_usable_password()


def test_admin_add_form_says_hubs_name_rule(client, staff):
    html = client.get(ADD).content.decode()
    assert "lowercase letters and digits" in html
    assert "Letters, digits and @/./+/-/_ only" not in html


@pytest.mark.parametrize(
    "username, message",
    [
        ("acme", "already taken"),  # an organization's
        ("ALICE", "already taken"),  # a user's, whatever its case
        ("library", "reserved"),
        ("repositories", "reserved"),
        ("a@example.org", "lowercase letters and digits"),
        ("x", "lowercase letters and digits"),
    ],
)
def test_admin_add_form_refuses_with_a_form_error(client, staff, acme, username, message):
    response = _admin_add(client, username)
    assert response.status_code == 200  # the form again, with the error on the username
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["username"]), errors
    assert User.objects.count() == 2  # alice and the staff member


def test_admin_change_form_keeps_saving_an_existing_user(client, staff, alice):
    # The name rules on the username field must not call a user's own name taken.
    url = f"/admin/accounts/user/{alice.pk}/change/"
    form = {
        "username": "alice",
        "email": "new@example.org",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "_save": "Save",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.email == "new@example.org"


# --- createsuperuser, ensure_admin, user_create ------------------------------------------------------


def test_createsuperuser(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", username="root", email="root@example.org", verbosity=0)
    root = _has_its_namespace("root")
    assert root.is_superuser and root.check_password(PASSWORD)


@pytest.mark.parametrize(
    "username, message",
    [
        ("library", "'library' is reserved"),
        ("acme", "'acme' is already taken"),  # an organization's: the namespace's unique name refuses it
        ("alice", "already taken"),
        ("bad@name", "lowercase letters and digits"),
    ],
)
def test_createsuperuser_refuses_with_a_clear_message(monkeypatch, acme, username, message):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match=message):
        call_command("createsuperuser", "--noinput", username=username, email="x@example.org", verbosity=0)
    assert not User.objects.filter(is_superuser=True).exists()
    assert Namespace.objects.get(name="acme").kind == Namespace.Kind.ORGANIZATION


def test_ensure_admin(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "boss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("ensure_admin")
    assert _has_its_namespace("boss").is_superuser


def test_user_create(db):
    user = user_create(username="Erin", password=PASSWORD, email="erin@example.org")
    assert _has_its_namespace("Erin") == user
