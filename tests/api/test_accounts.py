"""Login JWTs, users, stars and access tokens."""

import pytest

from images.models import Star
from tests.api.conftest import basic, bearer, pat

pytestmark = pytest.mark.django_db


def login(api, username, password):
    return api.post("/v2/users/login", {"username": username, "password": password})


def test_login_returns_a_jwt_used_as_bearer_or_jwt(api, alice, shelf):
    response = login(api, "alice", "alice-password")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    for header in (f"Bearer {token}", f"JWT {token}"):
        detail = api.get("/v2/repositories/alice/secret-nginx/", HTTP_AUTHORIZATION=header)
        assert detail.status_code == 200, header
    assert api.post("/v2/users/login/", {"username": "alice", "password": "alice-password"}).status_code == 200


def test_login_errors(api, alice):
    wrong = login(api, "alice", "nope")
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "incorrect username or password", "message": "incorrect username or password"}
    missing = api.post("/v2/users/login", {"username": "alice"})
    assert missing.status_code == 400 and "password" in missing.json()["errinfo"]
    garbage = api.generic("POST", "/v2/users/login", b"{not json", content_type="application/json")
    assert garbage.status_code == 400


def test_login_with_a_token_carries_its_scope_and_revocation(api, alice, shelf):
    clear = pat(alice, "read")
    token = login(api, "alice", clear).json()["token"]
    denied = api.patch("/v2/repositories/alice/nginx-proxy/", {"description": "x"}, **bearer(token))
    assert denied.status_code == 403
    token_id = alice.access_tokens.get().pk
    password_jwt = login(api, "alice", "alice-password").json()["token"]
    assert api.delete(f"/v2/access-tokens/{token_id}", **bearer(password_jwt)).status_code == 204
    assert api.get("/v2/repositories/alice/", **bearer(token)).status_code == 401
    assert api.get("/v2/repositories/alice/", **bearer(clear)).status_code == 401


def test_user(client, alice):
    body = client.get("/v2/users/alice/").json()
    assert body["username"] == "alice" and body["type"] == "User" and body["id"] == alice.pk
    assert client.get("/v2/users/nobody/").status_code == 404


def test_stars(api, alice, bob, shelf):
    path = "/v2/repositories/library/nginx/stars/"
    assert api.get(path).json() == {"star_count": 50, "has_starred": False}
    assert api.post(path).status_code == 401
    assert api.post(path, **bearer(pat(bob, "read"))).status_code == 403
    token = pat(bob, "read-write")
    created = api.post(path, **bearer(token))
    assert created.status_code == 201 and created.json() == {"star_count": 51, "has_starred": True}
    assert api.post(path, **bearer(token)).status_code == 200  # already starred: nothing changes
    assert api.get("/v2/repositories/library/nginx/", **bearer(token)).json()["has_starred"] is True
    starred = api.get("/v2/users/bob/repositories/starred/").json()
    assert [r["name"] for r in starred["results"]] == ["nginx"]
    assert api.delete(path, **bearer(token)).json() == {"star_count": 50, "has_starred": False}
    assert not Star.objects.exists()
    assert api.post("/v2/repositories/alice/secret-nginx/stars/", **bearer(token)).status_code == 404


def test_access_tokens(api, alice, bob):
    jwt = login(api, "alice", "alice-password").json()["token"]
    created = api.post("/v2/access-tokens", {"token_label": "ci", "scopes": ["repo:read", "repo:write"]}, **bearer(jwt))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"].startswith("hub_pat_") and body["scopes"] == ["repo:write"] and body["is_active"]
    listed = api.get("/v2/access-tokens", {"page_size": 10}, **bearer(jwt)).json()
    assert set(listed) == {"count", "next", "previous", "results", "active_count"}
    assert listed["count"] == 1 and listed["active_count"] == 1 and listed["results"][0]["token"] == ""
    uuid = body["uuid"]
    assert api.get(f"/v2/access-tokens/{uuid}", **bearer(jwt)).json()["token_label"] == "ci"
    # Tokens may not manage tokens; nor may anyone else's credentials.
    assert api.get("/v2/access-tokens", **bearer(body["token"])).status_code == 403
    assert api.get(f"/v2/access-tokens/{uuid}", **basic("bob", "bob-password")).status_code == 404
    assert api.get("/v2/access-tokens").status_code == 401
    patched = api.patch(f"/v2/access-tokens/{uuid}", {"is_active": False}, **bearer(jwt))
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert api.patch(f"/v2/access-tokens/{uuid}", {"is_active": True}, **bearer(jwt)).status_code == 400
    assert api.get("/v2/access-tokens", **bearer(jwt)).json()["active_count"] == 0


@pytest.mark.parametrize(
    "body",
    [{"token_label": "x", "scopes": ["repo:everything"]}, {"token_label": "x", "scopes": []}, {"scopes": ["repo:read"]},
     {"token_label": "x", "scopes": ["repo:read"], "expires_at": "2001-01-01T00:00:00Z"}],
)  # fmt: skip
def test_access_token_validation(api, alice, body):
    response = api.post("/v2/access-tokens", body, **basic("alice", "alice-password"))
    assert response.status_code == 400 and response.json()["errinfo"]


def test_access_token_ids(api, alice):
    for token_id in ("abc", "9" * 40, "0"):
        assert api.get(f"/v2/access-tokens/{token_id}", **basic("alice", "alice-password")).status_code == 404
