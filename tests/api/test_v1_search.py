"""GET /v1/search as `docker search` and `podman search` call it."""

import pytest

from images.search.service import repository_search
from tests.api.conftest import basic, bearer, pat

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# What the Docker daemon sends for `docker search 127.0.0.1:5000/nginx` (moby registry/search.go).
DOCKER_HEADERS = {
    "HTTP_USER_AGENT": "docker/27.5.1 go/go1.22.11 git-commit/4c9b3b0 kernel/6.1.0 os/linux arch/amd64",
    "HTTP_X_DOCKER_TOKEN": "true",
    "HTTP_ACCEPT_ENCODING": "gzip",
}


def test_shape_and_official_names(client, shelf):
    response = client.get("/v1/search", {"q": "nginx", "n": "25"}, **DOCKER_HEADERS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"query", "num_results", "num_pages", "page", "page_size", "results"}
    assert body["query"] == "nginx" and body["page"] == 1 and body["page_size"] == 25
    first = body["results"][0]
    assert first == {
        "name": "nginx",  # library/ stripped, as Docker Hub answers and podman shows
        "description": "Official build of Nginx.",
        "star_count": 50,
        "is_official": True,
        "is_automated": False,
        "is_trusted": False,
    }
    assert [r["name"] for r in body["results"]] == ["nginx", "bitnami/nginx", "alice/nginx-proxy"]
    assert body["num_results"] == 3


def test_same_order_as_the_search_service(client, shelf):
    for query in ("nginx", "ngnix", "redis", "library/nginx", "alice/nginx", "proxy", ""):
        expected = [r.full_name.removeprefix("library/") for r in repository_search(user=None, query=query).items]
        got = [r["name"] for r in client.get("/v1/search", {"q": query}).json()["results"]]
        assert got == expected, query


def test_n_and_page(client, shelf):
    body = client.get("/v1/search", {"q": "nginx", "n": "2"}).json()
    assert [r["name"] for r in body["results"]] == ["nginx", "bitnami/nginx"]
    assert body["num_pages"] == 2
    body = client.get("/v1/search", {"q": "nginx", "n": "2", "page": "2"}).json()
    assert [r["name"] for r in body["results"]] == ["alice/nginx-proxy"]
    assert client.get("/v1/search", {"q": "nginx"}).json()["page_size"] == 25


@pytest.mark.parametrize("n", ["0", "101", "-1", "ten", "1.5"])
def test_bad_n_is_400(client, shelf, n):
    response = client.get("/v1/search", {"q": "nginx", "n": n})
    assert response.status_code == 400
    assert "n:" in response.json()["message"]


def test_private_only_with_credentials(client, alice, shelf):
    anonymous = [r["name"] for r in client.get("/v1/search", {"q": "nginx"}).json()["results"]]
    assert "alice/secret-nginx" not in anonymous
    # docker (logged in without an identity token) sends Basic credentials with X-Docker-Token.
    with_password = client.get("/v1/search", {"q": "nginx"}, **DOCKER_HEADERS, **basic("alice", "alice-password"))
    assert "alice/secret-nginx" in [r["name"] for r in with_password.json()["results"]]
    token = pat(alice, "read")
    with_pat = client.get("/v1/search", {"q": "secret"}, **basic("alice", token))
    assert [r["name"] for r in with_pat.json()["results"]] == ["alice/secret-nginx"]
    assert client.get("/v1/search", {"q": "secret"}, **bearer(token)).json()["num_results"] == 1


def test_registry_token_identifies_the_caller(client, alice, shelf):
    # docker with an identity token fetches a registry:catalog:search token and sends it as Bearer.
    scope = {"scope": "registry:catalog:search", "service": "hub"}
    token = client.get("/token", scope, **basic("alice", "alice-password")).json()["token"]
    assert client.get("/v1/search", {"q": "secret"}, **bearer(token)).json()["num_results"] == 1


def test_wrong_credentials_are_401(client, alice, shelf):
    response = client.get("/v1/search", {"q": "nginx"}, **basic("alice", "wrong"))
    assert response.status_code == 401
    assert response.json()["detail"] == "incorrect username or password"
    assert client.get("/v1/search", {"q": "nginx"}, **bearer("garbage")).status_code == 401


def test_ping(client, db):
    response = client.get("/v1/_ping", **DOCKER_HEADERS)
    assert response.status_code == 200
    assert response.json() == {"standalone": True}
    assert response["X-Docker-Registry-Version"]
