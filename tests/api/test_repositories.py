"""Repositories: list, get, create, update, delete; routing beside the registry; reserved names."""

import pytest
from django.core.exceptions import ValidationError

from hub.accounts.services import user_create
from images.models import AuditLogEntry, Repository
from tests.api.conftest import basic, bearer, pat
from tests.search import catalogue

pytestmark = pytest.mark.django_db

LIST_ITEM_KEYS = {
    "user", "name", "namespace", "repository_type", "status", "status_description", "description", "is_private",
    "is_automated", "is_official", "badge", "star_count", "pull_count", "last_updated", "last_modified",
    "date_registered", "affiliation", "hub_user", "categories",
}  # fmt: skip
DETAIL_KEYS = LIST_ITEM_KEYS | {
    "full_description", "has_starred", "permissions", "collaborator_count", "media_types", "content_types",
    "used_as_base_by",
}  # fmt: skip


def test_list_shape_and_pagination(client, shelf):
    response = client.get("/v2/repositories/library/", {"page_size": 1})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and body["previous"] is None
    assert "page=2" in body["next"] and "page_size=1" in body["next"]
    item = body["results"][0]
    assert set(item) == LIST_ITEM_KEYS
    assert item["namespace"] == "library" and item["repository_type"] == "image" and item["status"] == 1
    second = client.get(body["next"]).json()
    assert second["next"] is None and second["previous"]
    assert {body["results"][0]["name"], second["results"][0]["name"]} == {"nginx", "redis"}


@pytest.mark.parametrize(
    "ordering, names",
    [("name", ["nginx", "redis"]), ("-name", ["redis", "nginx"]), ("-pull_count", ["nginx", "redis"]),
     ("pull_count", ["redis", "nginx"])],
)  # fmt: skip
def test_list_ordering(client, shelf, ordering, names):
    body = client.get("/v2/repositories/library/", {"ordering": ordering}).json()
    assert [r["name"] for r in body["results"]] == names


def test_list_errors(client, shelf):
    assert client.get("/v2/repositories/library/", {"ordering": "stars"}).status_code == 400
    assert client.get("/v2/repositories/library/", {"page_size": "0"}).status_code == 400
    assert client.get("/v2/repositories/library/", {"page": "99"}).status_code == 404
    missing = client.get("/v2/repositories/nobody/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "namespace nobody not found", "message": "namespace nobody not found"}
    assert client.get("/v2/repositories/library/", {"page_size": "500"}).json()["count"] == 2  # capped, not refused


def test_private_repositories_are_the_owners(client, alice, shelf):
    anonymous = client.get("/v2/repositories/alice/").json()
    assert [r["name"] for r in anonymous["results"]] == ["nginx-proxy"]
    assert client.get("/v2/repositories/alice/secret-nginx/").status_code == 404
    owner = client.get("/v2/repositories/alice/", **basic("alice", "alice-password")).json()
    assert {r["name"] for r in owner["results"]} == {"nginx-proxy", "secret-nginx"}
    detail = client.get("/v2/repositories/alice/secret-nginx/", **bearer(pat(alice, "read"))).json()
    assert detail["is_private"] is True
    assert detail["permissions"] == {"read": True, "write": True, "admin": True}


def test_detail_shape(client, shelf):
    response = client.get("/v2/repositories/library/nginx/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["name"] == "nginx" and body["is_official"] is True and body["badge"] == "official"
    assert body["categories"] == [{"name": "Web Servers", "slug": "web-servers"}]
    assert body["permissions"] == {"read": True, "write": False, "admin": False}
    assert body["has_starred"] is False and body["star_count"] == 50
    assert body["media_types"] == ["application/vnd.oci.image.index.v1+json",
                                   "application/vnd.oci.image.manifest.v1+json"]  # fmt: skip


def test_paths_docker_hub_tools_use(client, shelf):
    canonical = client.get("/v2/repositories/library/nginx/").json()
    for path in ("/v2/repositories/library/nginx", "/v2/namespaces/library/repositories/nginx",
                 "/v2/namespaces/library/repositories/nginx/", "/api/v2/repositories/library/nginx/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json() == canonical
    assert client.get("/v2/namespaces/library/repositories").json()["count"] == 2
    unknown = client.get("/v2/repositories/library/nginx/bogus/x/y/manifests")
    assert unknown.status_code == 404 and "detail" in unknown.json()
    assert client.get("/v2/search/").json()["detail"] == "no such Hub API endpoint"


def test_registry_paths_are_not_shadowed(client, shelf):
    # The registry still owns every other /v2/ path: its own error envelope, its own challenge.
    response = client.get("/v2/library/nginx/tags/list")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer realm=")
    assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"
    assert client.get("/v2/")["Docker-Distribution-API-Version"] == "registry/2.0"


def test_create(api, alice, shelf):
    token = pat(alice, "read-write")
    response = api.post(
        "/v2/repositories/",
        {"namespace": "alice", "name": "app", "description": "My app", "full_description": "# App",
         "is_private": True, "categories": ["web-servers"]},
        **bearer(token),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["description"] == "My app" and body["is_private"] is True and body["badge"] == "none"
    assert body["categories"] == [{"name": "Web Servers", "slug": "web-servers"}]
    assert AuditLogEntry.objects.filter(action="repository.create", target="alice/app").exists()
    again = api.post("/v2/repositories/alice/", {"name": "team/api"}, **bearer(token))
    assert again.status_code == 201 and again.json()["name"] == "team/api"
    assert api.post("/v2/namespaces/alice/repositories", {"name": "third"}, **bearer(token)).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "app"}, "namespace"),
        ({"namespace": "alice"}, "name"),
        ({"namespace": "alice", "name": "Bad Name"}, "detail"),
        ({"namespace": "alice", "name": "nginx-proxy"}, "detail"),
        ({"namespace": "alice", "name": "x", "description": "d" * 101}, "description"),
        ({"namespace": "alice", "name": "x", "categories": ["no-such"]}, "detail"),
        ({"namespace": "alice", "name": "x", "is_private": "perhaps"}, "is_private"),
    ],
)
def test_create_validation(api, alice, shelf, body, field):
    response = api.post("/v2/repositories/", body, **bearer(pat(alice, "read-write")))
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["message"] and field in error["errinfo"]


def test_create_permissions(api, alice, bob, shelf):
    assert api.post("/v2/repositories/", {"namespace": "alice", "name": "x"}).status_code == 401
    read_only = api.post("/v2/repositories/", {"namespace": "alice", "name": "x"}, **bearer(pat(alice, "read")))
    assert read_only.status_code == 403
    assert read_only.json()["detail"] == "this token's scope does not allow push"
    other = api.post("/v2/repositories/", {"namespace": "alice", "name": "x"}, **bearer(pat(bob, "read-write")))
    assert other.status_code == 403
    missing = api.post("/v2/repositories/", {"namespace": "nobody", "name": "x"}, **basic("alice", "alice-password"))
    assert missing.status_code in (403, 404)


def test_update(api, alice, shelf):
    # Visibility is a repository setting: it needs the delete/admin right, in the token's scope too.
    assert (
        api.patch(
            "/v2/repositories/alice/nginx-proxy/", {"is_private": True}, **bearer(pat(alice, "read-write"))
        ).status_code
        == 403
    )
    token = pat(alice, "read-write-delete")
    response = api.patch(
        "/v2/repositories/alice/nginx-proxy/", {"description": "New", "full_description": "# New", "is_private": True},
        **bearer(token),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "New" and response.json()["is_private"] is True
    assert AuditLogEntry.objects.filter(action="repository.visibility").count() == 1
    assert api.patch("/v2/repositories/alice/nginx-proxy/", {"name": "other"}, **bearer(token)).status_code == 400
    assert api.patch("/v2/repositories/library/nginx/", {"description": "x"}, **bearer(token)).status_code == 403
    assert api.patch("/v2/repositories/library/nginx/", {"description": "x"}).status_code == 401


def test_delete(api, alice, shelf):
    path = "/v2/repositories/alice/nginx-proxy/"
    assert api.delete(path, **bearer(pat(alice, "read-write"))).status_code == 403
    assert api.delete(path, **bearer(pat(alice, "read-write-delete"))).status_code == 202
    assert not Repository.objects.filter(namespace__name="alice", name="nginx-proxy").exists()
    assert api.get(path).status_code == 404


def test_session_needs_csrf(alice, shelf):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/v2/repositories/alice/secret-nginx/").status_code == 200
    response = browser.patch(
        "/v2/repositories/alice/nginx-proxy/", {"description": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    browser.get("/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    response = browser.patch(
        "/v2/repositories/alice/nginx-proxy/", {"description": "x"}, content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["repositories", "namespaces", "users", "access-tokens", "search", "orgs", "alerts"])
def test_reserved_names(api, db, name):
    with pytest.raises(ValidationError):
        user_create(username=name, password="pw-123456789")
    admin = user_create(username="root", password="pw-123456789", is_superuser=True)
    catalogue.namespace("library")
    response = api.post("/v2/repositories/", {"namespace": "library", "name": name}, **basic("root", "pw-123456789"))
    assert response.status_code == 400 and "reserved" in response.json()["message"]
    assert admin.is_superuser


def test_an_editor_may_edit_a_listing_but_not_its_visibility(api, alice, bob):
    from images.services.organizations import membership_set, organization_create
    from tests.api.conftest import bearer, pat

    acme = organization_create(owner=alice, name="acme")
    membership_set(organization=acme, user=bob, role="editor")
    Repository.objects.create(namespace=acme, name="internal", is_private=True)
    url = "/v2/repositories/acme/internal/"
    token = pat(bob, "read-write-delete")
    assert api.patch(url, {"description": "Internal tools"}, **bearer(token)).status_code == 200
    assert api.patch(url, {"is_private": False}, **bearer(token)).status_code == 403
    assert Repository.objects.get(name="internal").is_private
    assert api.patch(url, {"is_private": False}, **bearer(pat(alice, "read-write-delete"))).status_code == 200
