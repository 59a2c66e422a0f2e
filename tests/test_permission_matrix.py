"""Who may see and do what, on every surface: one table of principals, checked page by page.

The rules live in images.services.authorization; every surface (web pages, the Hub API, the registry's
token service and /v2/ calls, search, /v2/_catalog, the console helpers) must follow them. The world:

  acme          an organization: alice owner, ed editor, mia member, tess member + team `writers`
                (write on acme/vault), tad member + team `admins` (admin on acme/vault)
  acme/vault    private      acme/plaza   public      zed/diary   private, zed's own namespace
  cora          in the `curators` group, nothing else        root   a superuser

An expectation is a string of actions: p = pull (read, see), u = push (write), d = delete.
"""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from hub.accounts.services import access_token_create, access_token_revoke
from images.models import Repository
from images.search.service import repository_search
from images.services import authorization
from images.services.organizations import org_token_create, org_token_revoke
from tests.helpers.world import (
    DIARY,
    MATRIX,
    PLAZA,
    PRINCIPALS,
    REPOSITORIES,
    USERNAMES,
    VAULT,
    expected,
    password,
    user_of,
    world_build,
)
from tests.registry.conftest import RegistryClient, sha256

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world(client):
    return world_build(client)


def registry_client(client, principal) -> RegistryClient:
    if principal == "anonymous":
        return RegistryClient(client)
    username = USERNAMES[principal]
    return RegistryClient(client, username, password(username))


def basic(username: str, secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def granted(client, scope: str, headers: dict | None = None) -> set[str]:
    response = client.get("/token", {"scope": scope, "service": "hub"}, **(headers or {}))
    assert response.status_code == 200, response.content
    claims = jwt.decode(response.json()["token"], options={"verify_signature": False})
    return {a for entry in claims["access"] for a in entry["actions"]}


# --- the rules themselves ------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_rules(world, principal):
    user = user_of(world, principal)
    vault_expect, _, _, edit, admin, manage, role = MATRIX[principal]
    for repository in Repository.objects.select_related("namespace"):
        assert authorization.registry_actions(user, repository) == expected(principal, repository.full_name), (
            repository.full_name
        )
    readable = {
        r.full_name for r in Repository.objects.filter(authorization.readable_filter(user)).select_related("namespace")
    }
    assert readable == {r for r in REPOSITORIES if "pull" in expected(principal, r)}
    vault = Repository.objects.select_related("namespace").get(namespace__name="acme", name="vault")
    assert authorization.may(user, authorization.EDIT_LISTING, repository=vault) is edit
    assert authorization.may(user, authorization.ADMINISTER, repository=vault) is admin
    assert authorization.may(user, authorization.ORGANIZATION_MANAGE, namespace=world["acme"]) is manage
    assert authorization.namespace_role(user, world["acme"]) == role
    assert authorization.may(user, authorization.CURATE) is (principal in ("curator", "admin"))


# --- web pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_pages(client, world, principal):
    if principal != "anonymous":
        client.force_login(user_of(world, principal))
    for repository in REPOSITORIES:
        visible = "pull" in expected(principal, repository)
        digest = world["digests"][repository]
        for url in (
            f"/r/{repository}",
            f"/r/{repository}/tags",
            f"/r/{repository}/tags/latest",
            f"/r/{repository}/tags/latest/images/{digest}",
        ):
            # A single-platform tag's page redirects to its image page.
            assert client.get(url).status_code in ((200, 302) if visible else (404,)), url
        publisher = client.get(f"/u/{repository.split('/')[0]}").content.decode()
        assert (f'href="/r/{repository}"' in publisher) is visible, repository


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_organization_pages(client, world, principal):
    if principal != "anonymous":
        client.force_login(user_of(world, principal))
    role, manage = MATRIX[principal][6], MATRIX[principal][5]
    for url in ("/orgs/acme/", "/orgs/acme/members", "/orgs/acme/teams", "/orgs/acme/teams/writers"):
        status = client.get(url).status_code
        if principal == "anonymous":
            assert status == 302, url  # to the sign-in page
        else:
            assert status == (200 if role else 404), url
    for url in ("/orgs/acme/tokens", "/orgs/acme/settings"):
        status = client.get(url).status_code
        assert status == (302 if principal == "anonymous" else 200 if manage else 403 if role else 404), url
    # Changing members is for owners only, whatever the form says.
    response = client.post("/orgs/acme/members", {"action": "set", "username": "zed", "role": "owner"})
    assert authorization.namespace_role(world["users"]["zed"], world["acme"]) == ("owner" if manage else None)
    if not manage:
        assert response.status_code in (302, 403, 404)


# --- the Hub API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_api(client, world, principal):
    if principal != "anonymous":
        client.force_login(user_of(world, principal))
    listing = client.get("/v2/repositories/acme/")
    assert listing.status_code == 200
    names = {f"acme/{r['name']}" for r in listing.json()["results"]}
    assert names == {r for r in (VAULT, PLAZA) if "pull" in expected(principal, r)}
    for repository in REPOSITORIES:
        allowed = expected(principal, repository)
        read = 200 if "pull" in allowed else 404
        assert client.get(f"/v2/repositories/{repository}/").status_code == read, repository
        assert client.get(f"/v2/repositories/{repository}/tags/").status_code == read, repository
        assert client.get(f"/v2/repositories/{repository}/tags/latest/").status_code == read, repository
        denied = 404 if "pull" not in allowed else (401, 403)
        response = client.patch(
            f"/v2/repositories/{repository}/", json.dumps({"description": "changed"}), content_type="application/json"
        )
        if "push" in allowed:
            assert response.status_code == 200, repository
        else:
            assert response.status_code in (denied if isinstance(denied, tuple) else (denied,)), repository
        response = client.delete(f"/v2/repositories/{repository}/")
        if "delete" in allowed:
            assert response.status_code == 202, repository
        else:
            assert response.status_code in (denied if isinstance(denied, tuple) else (denied,)), repository


# --- the registry: token service and /v2/ --------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_registry(client, world, principal):
    registry = registry_client(client, principal)
    headers = {} if principal == "anonymous" else basic(USERNAMES[principal], password(USERNAMES[principal]))
    for repository in REPOSITORIES:
        allowed = expected(principal, repository)
        assert granted(client, f"repository:{repository}:pull,push,delete", headers) == allowed, repository

        manifest = registry.call("GET", f"/v2/{repository}/manifests/latest")
        assert (manifest.status_code == 200) is ("pull" in allowed), repository
        tags = registry.call("GET", f"/v2/{repository}/tags/list")
        assert (tags.status_code == 200) is ("pull" in allowed), repository
        if "pull" not in allowed:
            assert manifest.status_code in (401, 403) and tags.status_code in (401, 403)

        blob = f"pushed by {principal} into {repository}".encode()
        upload = registry.call("POST", f"/v2/{repository}/blobs/uploads/?digest={sha256(blob)}", blob)
        assert (upload.status_code == 201) is ("push" in allowed), (repository, upload.status_code)

        delete = registry.call("DELETE", f"/v2/{repository}/manifests/{world['digests'][repository]}")
        assert (delete.status_code == 202) is ("delete" in allowed), (repository, delete.status_code)
        if "delete" not in allowed:
            assert delete.status_code in (401, 403)
    # A repository that does not exist yet: only those who may push into the namespace may create it.
    creates = granted(client, "repository:acme/new:push", headers) == {"push"}
    assert creates is (principal in ("editor", "owner", "admin"))


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_catalog(client, world, principal):
    response = registry_client(client, principal).call("GET", "/v2/_catalog")
    assert response.status_code == 200
    listed = set(response.json()["repositories"]) & set(REPOSITORIES)
    assert listed == {r for r in REPOSITORIES if "pull" in expected(principal, r)}


@pytest.mark.parametrize("principal", [p for p in PRINCIPALS if p != "anonymous"])
@pytest.mark.parametrize(
    "scope, scope_actions",
    [("read", {"pull"}), ("read-write", {"pull", "push"}), ("read-write-delete", {"pull", "push", "delete"})],
)
def test_personal_token_scopes(client, world, principal, scope, scope_actions):
    """A personal access token: what the person may do, narrowed by the token's scope, never more."""
    user = user_of(world, principal)
    _, clear = access_token_create(user=user, name="ci", scope=scope)
    for repository in REPOSITORIES:
        got = granted(client, f"repository:{repository}:pull,push,delete", basic(user.username, clear))
        assert got == expected(principal, repository) & scope_actions, repository


# --- search --------------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_search(client, world, principal):
    user = user_of(world, principal)
    if user is not None:
        client.force_login(user)
    for repository in REPOSITORIES:
        word = repository.split("/")[1]
        visible = "pull" in expected(principal, repository)
        found = {r.full_name for r in repository_search(user=user, query=word).items}
        assert (repository in found) is visible, repository
        html = client.get("/search", {"q": word}).content.decode()
        assert (f'href="/r/{repository}"' in html) is visible, repository
        api = client.get("/v2/search/repositories/", {"query": word})
        assert api.status_code == 200
        names = {r["repo_name"] for r in api.json()["results"]}
        assert (repository in names) is visible, repository
        # The posture sort and facets read the same visible rows (images/services/posture.py).
        html = client.get("/search", {"q": word, "sort": "vulns", "posture": "sbom"}).content.decode()
        assert f'href="/r/{repository}"' not in html  # not indexed here: no SBOM
        catalog = client.get("/v2/search/catalog/", {"query": word, "sort": "fewest_vulnerabilities"}).json()
        assert (repository in {r["id"] for r in catalog["results"]}) is visible, repository


# --- organization access tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    "scope, scope_actions",
    [("read", {"pull"}), ("read-write", {"pull", "push"}), ("read-write-delete", {"pull", "push", "delete"})],
)
def test_organization_token(client, world, scope, scope_actions):
    """`docker login -u acme` with an organization token: its scope within acme, anonymous rights outside."""
    _, clear = org_token_create(organization=world["acme"], created_by=world["users"]["alice"], name="ci", scope=scope)
    headers = basic("acme", clear)
    assert granted(client, f"repository:{VAULT}:pull,push,delete", headers) == scope_actions
    assert granted(client, f"repository:{PLAZA}:pull,push,delete", headers) == scope_actions
    assert granted(client, f"repository:{DIARY}:pull,push,delete", headers) == set()
    assert granted(client, "repository:zed/other:pull,push", headers) == set()
    registry = RegistryClient(client, "acme", clear)
    assert registry.call("GET", f"/v2/{VAULT}/manifests/latest").status_code == 200
    assert registry.call("GET", f"/v2/{DIARY}/manifests/latest").status_code in (401, 403)
    # It is not a person's password anywhere else: not for another username, not for the Hub API.
    assert client.get("/token", {"scope": f"repository:{VAULT}:pull"}, **basic("alice", clear)).status_code == 401
    assert client.get("/v2/repositories/acme/vault/", **basic("acme", clear)).status_code in (401, 403)


# --- credentials that no longer hold ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["expired", "revoked"])
def test_dead_tokens_get_nothing_anywhere(client, world, kind):
    """An expired or revoked token, personal or organization: /token refuses it (401, GET and the OAuth
    form), so it gets no registry token; the Hub API refuses it too (tests/test_surface_matrix.py)."""
    alice, acme = world["users"]["alice"], world["acme"]
    past = timezone.now() - timedelta(days=1) if kind == "expired" else None
    pat, pat_clear = access_token_create(user=alice, name=kind, scope="read-write-delete", expires_at=past)
    oat, oat_clear = org_token_create(
        organization=acme, created_by=alice, name=kind, scope="read-write-delete", expires_at=past
    )
    if kind == "revoked":
        access_token_revoke(user=alice, token_id=pat.pk)
        org_token_revoke(organization=acme, token_id=oat.pk)
    for username, secret in (("alice", pat_clear), ("acme", oat_clear)):
        response = client.get("/token", {"scope": f"repository:{VAULT}:pull"}, **basic(username, secret))
        assert response.status_code == 401, (username, response.content)
        response = client.post("/token", {"grant_type": "password", "username": username, "password": secret})
        assert response.status_code == 401, (username, response.content)
