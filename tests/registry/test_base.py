"""GET /v2/: the version check and the Bearer challenge (spec: "Determining support")."""

from django.test import override_settings


def test_v2_without_token_is_401_with_bearer_challenge(client, db):
    with override_settings(PUBLIC_URL="https://hub.example", HUB_REGISTRY_SERVICE="hub.example"):
        response = client.get("/v2/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="https://hub.example/token",service="hub.example"'
    assert response["Docker-Distribution-API-Version"] == "registry/2.0"
    assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"


def test_v2_with_token_is_200(anonymous):
    response = anonymous.call("GET", "/v2/", scopes=())
    assert response.status_code == 200
    assert response["Docker-Distribution-API-Version"] == "registry/2.0"


def test_v2_with_garbage_token_is_401_invalid_token(client, db):
    response = client.get("/v2/", HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_unknown_endpoint_is_an_error_envelope(anonymous):
    response = anonymous.call("GET", "/v2/alice/app/nothing-here", scopes=())
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED"


def test_wrong_method_is_405_envelope(registry):
    response = registry.call("POST", "/v2/alice/app/tags/list")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED"


def test_invalid_repository_name(registry):
    response = registry.call("GET", "/v2/Alice/App/tags/list", scopes=())
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "NAME_INVALID"
