"""Rate limits of the API, /token and anonymous pulls, with low limits set per test."""

import uuid

import pytest

from hub.ratelimit import Rate, rate_parse
from tests.api.conftest import basic, bearer, pat
from tests.registry.conftest import RegistryClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """A fresh key prefix per test: counters of other tests (or runs, in Redis) never count here."""
    settings.HUB_RATELIMIT_KEY_PREFIX = f"test-{uuid.uuid4().hex}"
    return settings


@pytest.mark.parametrize(
    "text, rate",
    [("100/6h", Rate(100, 21600)), ("60/minute", Rate(60, 60)), ("10/30", Rate(10, 30)), ("5/s", Rate(5, 1)),
     ("2/days", Rate(2, 86400)), ("3/2h", Rate(3, 7200)),
     ("", None), ("0", None), ("0/m", None), ("ten/m", None), ("5/fortnight", None)],
)  # fmt: skip
def test_rate_parse(text, rate):
    assert rate_parse(text) == rate


def test_api_anonymous_limit(client, shelf, limits):
    limits.HUB_RATELIMIT_API_ANON = "3/hour"
    for remaining in (2, 1, 0):
        response = client.get("/v2/repositories/library/nginx/")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        assert response["X-RateLimit-Remaining"] == str(remaining)
        assert response["RateLimit-Limit"] == "3;w=3600"
        assert response["RateLimit"].startswith(f"limit=3, remaining={remaining}, reset=")
        assert int(response["X-RateLimit-Reset"]) > 0
    throttled = client.get("/v1/search", {"q": "nginx"})
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 3600
    assert throttled["X-RateLimit-Remaining"] == "0"
    assert throttled.json()["detail"].startswith("Request was throttled")


def test_api_user_limit_is_per_user(client, alice, bob, shelf, limits):
    limits.HUB_RATELIMIT_API_ANON = "1/hour"
    limits.HUB_RATELIMIT_API_USER = "2/hour"
    alice_token, bob_token = pat(alice, "read"), pat(bob, "read")
    assert client.get("/v2/repositories/alice/", **bearer(alice_token)).status_code == 200
    assert client.get("/v2/repositories/alice/", **bearer(alice_token)).status_code == 200
    assert client.get("/v2/repositories/alice/", **bearer(alice_token)).status_code == 429
    assert client.get("/v2/repositories/alice/", **bearer(bob_token)).status_code == 200
    assert client.get("/v2/repositories/alice/").status_code == 200
    assert client.get("/v2/repositories/alice/").status_code == 429


def test_api_limit_off(client, shelf, limits):
    limits.HUB_RATELIMIT_API_ANON = ""
    response = client.get("/v2/repositories/library/nginx/")
    assert response.status_code == 200 and "X-RateLimit-Limit" not in response


def test_token_endpoint_limit(client, alice, limits):
    limits.HUB_RATELIMIT_TOKEN = "2/minute"
    params = {"scope": "repository:alice/app:pull", "service": "hub"}
    assert client.get("/token", params).status_code == 200
    response = client.get("/token", params, **basic("alice", "alice-password"))
    assert response.status_code == 200 and response["RateLimit-Remaining"] == "0;w=60"
    throttled = client.get("/token", params)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "TOOMANYREQUESTS"
    assert int(throttled["Retry-After"]) <= 60


def test_anonymous_pulls_limit_signed_in_pulls_do_not_count(client, alice, limits):
    registry = RegistryClient(client, "alice", "alice-password")
    registry.push_image("alice/app", "v1")
    limits.HUB_RATELIMIT_PULL_ANON = "2/6h"
    anonymous = RegistryClient(client)
    path = "/v2/alice/app/manifests/v1"
    for _ in range(3):  # HEAD is not a pull, nor is a signed-in GET
        assert anonymous.call("HEAD", path).status_code == 200
        assert registry.call("GET", path).status_code == 200
    first = anonymous.call("GET", path)
    assert first.status_code == 200 and first["RateLimit-Limit"] == "2;w=21600"
    assert first["RateLimit-Remaining"] == "1;w=21600"
    assert anonymous.call("GET", path).status_code == 200
    throttled = anonymous.call("GET", path)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "TOOMANYREQUESTS"
    assert throttled["Retry-After"] and throttled["Docker-Distribution-API-Version"] == "registry/2.0"
    # Without any token at all: still the same anonymous client.
    assert client.get(path).status_code == 429
    assert registry.call("GET", path).status_code == 200
