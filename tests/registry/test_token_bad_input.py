"""Malformed requests to `/token`: wrong credentials are 401 as any wrong credentials are, on both databases.

`/token` is served before RejectNulMiddleware, and its credentials arrive in a header (Basic) or a form, so a
NUL in a username reached PostgreSQL, which refuses it (500). The GET answers in the registry's envelope with a
Basic challenge, the OAuth2 POST form with OAuth error JSON (RFC 6749, 5.2), as they answer a wrong password.
A scope the service cannot grant, NUL or not, is left out of the token, as for any repository one may not read.
"""

import base64
from urllib.parse import urlencode

import pytest

from images.services.tokens import token_decode

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FORM = "application/x-www-form-urlencoded"


def raw_basic(credentials: bytes) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials).decode()}


@pytest.mark.parametrize(
    "authorization",
    [raw_basic(b"a\x00b:pw"), raw_basic(b"alice:alice-password\x00"), raw_basic(b"\x00"),
     {"HTTP_AUTHORIZATION": "Basic !"}],
    ids=["nul-in-username", "nul-in-password", "nul-without-colon", "not-base64"],
)  # fmt: skip
def test_get_with_malformed_basic_credentials_is_401(client, alice, authorization):
    response = client.get("/token", {"service": "hub", "scope": "repository:alice/app:pull"}, **authorization)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"
    assert response["WWW-Authenticate"] == 'Basic realm="Hub"'


@pytest.mark.parametrize(
    "form, status, error",
    [
        ({"grant_type": "password", "username": "\x00", "password": "pw"}, 401, "invalid_grant"),
        ({"grant_type": "password", "username": "ali\x00ce", "password": "alice-password"}, 401, "invalid_grant"),
        ({"grant_type": "password", "username": "alice", "password": "alice-password\x00"}, 401, "invalid_grant"),
        ({"grant_type": "refresh_token", "refresh_token": "\x00"}, 401, "invalid_grant"),
        ({"grant_type": "\x00", "username": "alice", "password": "alice-password"}, 400, "unsupported_grant_type"),
    ],
    ids=["username-nul", "nul-inside-username", "password-nul", "refresh-token-nul", "grant-type-nul"],
)
def test_post_form_with_nul_is_an_oauth_error(client, alice, form, status, error):
    response = client.post("/token", urlencode({**form, "service": "hub", "client_id": "x"}), content_type=FORM)
    assert response.status_code == status
    assert response.json()["error"] == error


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "alice"])
@pytest.mark.parametrize(
    "query",
    [{"scope": "repository:alice/a\x00pp:pull"}, {"scope": "repository:alice/app:pu\x00ll"}, {"service": "\x00"},
     {"account": "\x00"}, {"scope": "\x00"}],
    ids=["nul-in-scope-name", "nul-in-scope-action", "nul-service", "nul-account", "nul-scope"],
)  # fmt: skip
def test_a_scope_holding_nul_grants_nothing(client, registry, signed_in, query):
    registry.push_image("alice/app", "v1")
    credentials = raw_basic(b"alice:alice-password") if signed_in else {}
    response = client.get("/token", query, **credentials)
    assert response.status_code == 200
    assert token_decode(response.json()["token"])["access"] == []
