"""Malformed credentials and ids on the Hub API: each the 401 or 404 a wrong one gets, never a 500.

Header-borne credentials bypass images.web.middleware.RejectNulMiddleware (it reads the address only), so a NUL
in Basic credentials reached PostgreSQL, which refuses it; ids in paths that pass str.isdigit (`²`) but not
int() ended in a ValueError.
"""

import base64

import pytest

from images.models import Mirror, Namespace, Repository, Webhook
from tests.api.conftest import basic

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def raw_basic(credentials: bytes) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials).decode()}


@pytest.fixture
def app(alice):
    repository = Repository.objects.create(namespace=Namespace.objects.get(name="alice"), name="app")
    Mirror.objects.create(repository=repository, upstream_registry="127.0.0.1:5000", upstream_repository="x")
    Webhook.objects.create(repository=repository, name="ci", url="http://127.0.0.1:9/hook", created_by=alice)
    return repository


@pytest.mark.parametrize(
    "credentials",
    [b"a\x00b:pw", b"alice:alice-password\x00", b"\x00:\x00"],
    ids=["nul-in-username", "nul-in-password", "nul-in-both"],
)
@pytest.mark.parametrize("url", ["/v2/repositories/alice/", "/v1/search?q=app", "/v2/users/alice/"])
def test_basic_credentials_holding_nul_are_wrong_credentials(client, app, url, credentials):
    response = client.get(url, **raw_basic(credentials))
    assert response.status_code == 401
    assert response.json()["message"] == "incorrect username or password"


@pytest.mark.parametrize(
    "method, url, message",
    [
        ("POST", "/v2/repositories/alice/app/mirrors/%C2%B2/sync/", "no such mirror"),
        ("POST", "/v2/repositories/alice/app/mirrors/" + "9" * 30 + "/sync/", "no such mirror"),
        ("POST", "/v2/repositories/alice/app/mirrors/images/sync/", "no such mirror"),
        ("GET", "/v2/repositories/alice/app/webhooks/%C2%B2/", "no such webhook"),
        ("GET", "/v2/repositories/alice/app/webhooks/" + "9" * 30 + "/", "no such webhook"),
        ("POST", "/v2/repositories/alice/app/webhooks/%D9%A3/test/", "no such webhook"),
        ("GET", "/v2/access-tokens/%C2%B2/", "access token not found"),
    ],
    ids=[
        "mirror-id-superscript-digit",
        "mirror-id-of-30-digits",
        "mirror-id-that-spells-a-route",
        "webhook-id-superscript-digit",
        "webhook-id-of-30-digits",
        "webhook-id-arabic-digit",
        "token-id-superscript-digit",
    ],
)
def test_malformed_ids_name_nothing(client, app, method, url, message):
    response = client.generic(method, url, **basic("alice", "alice-password"))
    assert response.status_code == 404
    assert response.json()["message"] == message
