"""Sign up, profile, password change and reset, avatars: the account pages over HTTP."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from images.models import Namespace

pytestmark = pytest.mark.django_db

SIGNUP = {"username": "carol", "email": "carol@example.org", "password1": "a-long-pass-phrase", "password2": ""}
SIGNUP["password2"] = SIGNUP["password1"]


def test_signup_creates_the_user_and_namespace_and_signs_in(client):
    response = client.post("/signup/", SIGNUP)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="carol")
    assert Namespace.objects.get(name="carol").user == user
    assert client.get("/settings/").status_code == 200  # signed in


@pytest.mark.parametrize("username", ["library", "orgs", "search", "_", "Bad Name"])
def test_signup_refuses_reserved_and_invalid_names(client, username):
    response = client.post("/signup/", {**SIGNUP, "username": username})
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username__iexact=username).exists()


def test_signup_refuses_a_taken_name_whatever_its_case(client, alice):
    assert client.post("/signup/", {**SIGNUP, "username": "ALICE"}).status_code == 400


def test_signup_can_be_switched_off(client, settings):
    settings.HUB_SIGNUP_ENABLED = False
    assert client.get("/signup/").status_code == 404
    assert client.post("/signup/", SIGNUP).status_code == 404
    assert not get_user_model().objects.filter(username="carol").exists()
    assert "/signup/" not in client.get("/login/").content.decode()


def test_signup_needs_csrf(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/signup/", SIGNUP).status_code == 403


def test_profile_and_avatar(client, alice):
    client.force_login(alice)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/settings/",
        {
            "display_name": "Alice A.",
            "url": "https://alice.example",
            "email": "a@example.org",
            "avatar": SimpleUploadedFile("a.png", png, "image/png"),
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.url, alice.email) == ("Alice A.", "https://alice.example", "a@example.org")
    assert Namespace.objects.get(name="alice").display_name == "Alice A."
    avatar = client.get("/avatars/alice")
    assert avatar.status_code == 200 and avatar.content == png and avatar["Content-Type"] == "image/png"
    assert avatar["X-Content-Type-Options"] == "nosniff"

    svg = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/png")
    assert client.post("/settings/", {"display_name": "x", "avatar": svg}).status_code == 400
    assert client.get("/avatars/alice").content == png
    client.post("/settings/", {"display_name": "x", "avatar_remove": "on"})
    assert client.get("/avatars/alice").status_code == 404


def test_profile_needs_sign_in(client, db):
    assert client.get("/settings/").status_code == 302


def test_password_change(client, alice):
    client.force_login(alice)
    response = client.post(
        "/settings/password",
        {"old_password": "alice-password", "new_password1": "a-new-pass-phrase", "new_password2": "a-new-pass-phrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-pass-phrase")
    wrong = client.post(
        "/settings/password", {"old_password": "nope", "new_password1": "x-y-z-w-1234", "new_password2": "x-y-z-w-1234"}
    )
    assert wrong.status_code == 200 and "incorrect" in wrong.content.decode()


def test_password_reset_by_mail(client, alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PUBLIC_URL, settings.PUBLIC_HOST = "https://hub.example", "hub.example"
    assert client.post("/password-reset/", {"email": "alice@example.org"}).status_code == 302
    assert client.post("/password-reset/", {"email": "nobody@example.org"}).status_code == 302  # no account leak
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https://hub\.example(/password-reset/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "reset-pass-phrase", "new_password2": "reset-pass-phrase"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("reset-pass-phrase")
    assert "invalid" in client.get(link, follow=True).content.decode()  # used once


def test_header_links(client, alice):
    html = client.get("/").content.decode()
    assert 'href="/signup/"' in html and "Sign in" in html
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'href="/settings/"' in html and 'href="/signup/"' not in html
