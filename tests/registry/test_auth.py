"""The token service: GET with Basic credentials, the OAuth2 POST form, scopes, personal access tokens."""

import base64
from datetime import timedelta

import jwt
from django.utils import timezone

from hub.accounts.models import AccessToken
from hub.accounts.services import access_token_create, access_token_revoke
from images.services.tokens import signing_key
from tests.registry.conftest import RegistryClient


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def claims(token):
    return jwt.decode(token, signing_key(), algorithms=["HS256"], options={"verify_aud": False})


def test_anonymous_token_grants_pull_on_public_repository(registry, client):
    registry.push_image("alice/app", "v1")
    response = client.get("/token", {"scope": "repository:alice/app:pull,push"})
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == body["access_token"]
    assert body["expires_in"] > 0 and body["issued_at"]
    assert claims(body["token"])["access"] == [{"type": "repository", "name": "alice/app", "actions": ["pull"]}]


def test_anonymous_token_grants_nothing_on_missing_repository(client, alice):
    response = client.get("/token", {"scope": "repository:alice/missing:pull"})
    assert claims(response.json()["token"])["access"] == []


def test_owner_gets_intersection_of_asked_and_allowed(client, alice):
    response = client.get(
        "/token",
        {"scope": ["repository:alice/app:pull,push", "repository:bob/app:pull,push"]},
        HTTP_AUTHORIZATION=basic("alice", "alice-password"),
    )
    assert claims(response.json()["token"])["access"] == [
        {"type": "repository", "name": "alice/app", "actions": ["pull", "push"]}
    ]


def test_wrong_password_is_401(client, alice):
    response = client.get("/token", {"scope": "repository:alice/app:pull"}, HTTP_AUTHORIZATION=basic("alice", "nope"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"


def test_offline_token_returns_refresh_token_usable_with_oauth_post(client, alice):
    response = client.get(
        "/token", {"offline_token": "true", "service": "hub"}, HTTP_AUTHORIZATION=basic("alice", "alice-password")
    )
    refresh = response.json()["refresh_token"]
    response = client.post(
        "/token",
        {"grant_type": "refresh_token", "refresh_token": refresh, "scope": "repository:alice/app:push"},
    )
    assert response.status_code == 200
    assert claims(response.json()["access_token"])["access"][0]["actions"] == ["push"]


def test_oauth_password_grant(client, alice):
    response = client.post(
        "/token",
        {
            "grant_type": "password",
            "username": "alice",
            "password": "alice-password",
            "scope": "repository:alice/app:pull,push registry:catalog:*",
            "service": "hub",
            "client_id": "containerd",
            "access_type": "offline",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["refresh_token"]
    assert len(claims(body["access_token"])["access"]) == 2
    assert body["scope"] == "repository:alice/app:pull,push registry:catalog:*"


def test_oauth_bad_password_and_unknown_grant(client, alice):
    bad = client.post("/token", {"grant_type": "password", "username": "alice", "password": "x"})
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_grant"
    assert client.post("/token", {"grant_type": "refresh_token", "refresh_token": "junk"}).status_code == 401
    assert client.post("/token", {"grant_type": "client_credentials"}).status_code == 400


def test_personal_access_token_as_password_limits_actions(client, alice):
    token, clear = access_token_create(user=alice, name="ci", scope=AccessToken.Scope.READ)
    response = client.get(
        "/token", {"scope": "repository:alice/app:pull,push,delete"}, HTTP_AUTHORIZATION=basic("alice", clear)
    )
    assert response.status_code == 200
    assert claims(response.json()["token"])["access"][0]["actions"] == ["pull"]
    registry = RegistryClient(client, "alice", clear)
    response = registry.call("POST", "/v2/alice/app/blobs/uploads/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "DENIED"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_write_token_can_push(client, alice):
    _, clear = access_token_create(user=alice, name="ci", scope=AccessToken.Scope.READ_WRITE)
    registry = RegistryClient(client, "alice", clear)
    registry.push_image("alice/app", "v1")
    response = registry.call("DELETE", "/v2/alice/app/manifests/v1")
    assert response.status_code == 403  # delete needs read-write-delete


def test_token_of_other_user_or_revoked_or_expired_is_refused(client, alice, bob):
    token, clear = access_token_create(user=alice, name="ci", scope=AccessToken.Scope.READ)
    assert client.get("/token", HTTP_AUTHORIZATION=basic("bob", clear)).status_code == 401
    access_token_revoke(user=alice, token_id=token.pk)
    assert client.get("/token", HTTP_AUTHORIZATION=basic("alice", clear)).status_code == 401
    _, expired = access_token_create(
        user=alice, name="old", scope=AccessToken.Scope.READ, expires_at=timezone.now() - timedelta(days=1)
    )
    assert client.get("/token", HTTP_AUTHORIZATION=basic("alice", expired)).status_code == 401


def test_revoking_a_token_ends_its_refresh_tokens(client, alice):
    token, clear = access_token_create(user=alice, name="ci", scope=AccessToken.Scope.READ)
    refresh = client.get("/token", {"offline_token": "true"}, HTTP_AUTHORIZATION=basic("alice", clear)).json()[
        "refresh_token"
    ]
    assert client.post("/token", {"grant_type": "refresh_token", "refresh_token": refresh}).status_code == 200
    access_token_revoke(user=alice, token_id=token.pk)
    assert client.post("/token", {"grant_type": "refresh_token", "refresh_token": refresh}).status_code == 401


def test_token_for_one_repository_does_not_open_another(registry, client, bob):
    registry.push_image("alice/app", "v1")
    token = registry.token("repository:alice/app:pull")
    response = client.get("/v2/alice/other/tags/list", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert 'scope="repository:alice/other:pull"' in response["WWW-Authenticate"]


def test_push_into_someone_elses_namespace_is_refused(client, alice, bob):
    mallory = RegistryClient(client, "bob", "bob-password")
    response = mallory.call("POST", "/v2/alice/app/blobs/uploads/")
    assert response.status_code == 403
    assert 'scope="repository:alice/app:pull,push"' in response["WWW-Authenticate"]


def test_anonymous_token_without_the_action_is_401_so_clients_log_in(registry, anonymous):
    registry.push_image("alice/app", "v1")
    response = anonymous.call("DELETE", "/v2/alice/app/manifests/v1")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"
    assert 'scope="repository:alice/app:delete"' in response["WWW-Authenticate"]
