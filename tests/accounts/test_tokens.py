"""Personal access tokens: the settings page and the create_token command."""

import re

import pytest
from django.core.management import call_command

from hub.accounts.models import AccessToken
from hub.accounts.services import credentials_check, user_create


@pytest.fixture
def alice(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return user_create(username="alice", password="alice-password")


def test_page_needs_sign_in(client, db):
    response = client.get("/settings/tokens")
    assert response.status_code == 302


def test_create_list_and_revoke(client, alice):
    client.force_login(alice)
    response = client.post("/settings/tokens", {"name": "laptop", "scope": "read", "expires_in_days": "30"})
    assert response.status_code == 201
    clear = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)
    token = AccessToken.objects.get()
    assert token.name == "laptop" and token.scope == "read" and token.expires_at is not None
    assert clear not in client.get("/settings/tokens").content.decode()  # shown once
    assert credentials_check(username="alice", password=clear)[1] == {"pull"}

    response = client.post(f"/settings/tokens/{token.pk}/revoke")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert credentials_check(username="alice", password=clear) is None
    assert "revoked" in client.get("/settings/tokens").content.decode()


def test_cannot_revoke_someone_elses_token(client, alice, db):
    bob = user_create(username="bob", password="bob-password")
    call_command("create_token", "alice", "--name", "x")
    client.force_login(bob)
    client.post(f"/settings/tokens/{AccessToken.objects.get().pk}/revoke")
    assert AccessToken.objects.get().revoked_at is None


def test_create_token_command(alice, capsys):
    call_command("create_token", "alice", "--name", "ci", "--scope", "read-write-delete", "--expires-days", "7")
    clear = capsys.readouterr().out.strip()
    user, actions, token = credentials_check(username="alice", password=clear)
    assert actions == {"pull", "push", "delete"}
    assert token.name == "ci"
