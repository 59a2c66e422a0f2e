"""Organization pages (images.web.organizations): create, members, teams, team permissions, tokens, settings,
and who may use them; organization tokens at the registry's token endpoint."""

import base64
import re

import jwt
import pytest
from django.utils import timezone

from images.models import Namespace, OrganizationAccessToken, Repository
from images.services.authorization import namespace_role, registry_actions
from images.services.organizations import (
    membership_set,
    org_token_create,
    org_token_revoke,
    organization_create,
    team_create,
)
from images.services.tokens import token_decode, token_principal

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(alice):
    return organization_create(owner=alice, name="acme", display_name="Acme Inc.")


def test_create_an_organization(client, alice):
    client.force_login(alice)
    response = client.post("/settings/organizations", {"name": "Umbrella", "display_name": "Umbrella Corp"})
    assert response.status_code == 302 and response["Location"] == "/orgs/umbrella/"
    org = Namespace.objects.get(name="umbrella")
    assert org.kind == "org" and namespace_role(alice, org) == "owner"
    assert "Umbrella Corp" in client.get("/settings/organizations").content.decode()
    assert client.post("/settings/organizations", {"name": "library"}).status_code == 400


def test_owner_manages_members(client, alice, bob, acme):
    client.force_login(alice)
    assert client.post("/orgs/acme/members", {"action": "set", "username": "bob", "role": "editor"}).status_code == 302
    assert namespace_role(bob, acme) == "editor"
    assert "bob" in client.get("/orgs/acme/members").content.decode()
    assert (
        client.post("/orgs/acme/members", {"action": "set", "username": "ghost", "role": "member"}).status_code == 400
    )
    # The last owner cannot demote or remove themselves.
    assert (
        client.post("/orgs/acme/members", {"action": "set", "username": "alice", "role": "member"}).status_code == 400
    )
    assert client.post("/orgs/acme/members", {"action": "remove", "username": "alice"}).status_code == 400
    assert client.post("/orgs/acme/members", {"action": "remove", "username": "bob"}).status_code == 302
    assert namespace_role(bob, acme) is None


def test_members_see_but_do_not_manage(client, alice, bob, acme):
    membership_set(organization=acme, user=bob, role="editor")
    client.force_login(bob)
    assert client.get("/orgs/acme/").status_code == 200
    assert client.post("/orgs/acme/members", {"action": "set", "username": "bob", "role": "owner"}).status_code == 403
    assert client.post("/orgs/acme/teams", {"name": "x"}).status_code == 403
    assert client.post("/orgs/acme/settings", {"display_name": "pwned"}).status_code == 403
    assert client.get("/orgs/acme/tokens").status_code == 403
    assert namespace_role(bob, acme) == "editor"
    # A member may leave.
    assert client.post("/orgs/acme/members", {"action": "leave"}).status_code == 302
    assert namespace_role(bob, acme) is None
    assert client.get("/orgs/acme/").status_code == 404


def test_outsiders_get_404(client, bob, acme):
    client.force_login(bob)
    for url in ("/orgs/acme/", "/orgs/acme/members", "/orgs/acme/tokens", "/orgs/nope/"):
        assert client.get(url).status_code == 404, url


def test_teams_and_their_repository_permissions(client, alice, bob, acme):
    repo = Repository.objects.create(namespace=acme, name="app", is_private=True)
    membership_set(organization=acme, user=bob, role="member")
    client.force_login(alice)
    assert client.post("/orgs/acme/teams", {"name": "devs", "description": "Developers"}).status_code == 302
    assert client.post("/orgs/acme/teams/devs", {"action": "member-add", "username": "bob"}).status_code == 302
    response = client.post(
        "/orgs/acme/teams/devs", {"action": "permission", "repository": "app", "permission": "write"}
    )
    assert response.status_code == 302
    assert registry_actions(bob, repo, namespace_name="acme") == {"pull", "push"}
    html = client.get("/orgs/acme/teams/devs").content.decode()
    assert "bob" in html and "acme/app" in html and "Write" in html
    response = client.post(
        "/orgs/acme/teams/devs", {"action": "permission", "repository": "nope", "permission": "read"}
    )
    assert response.status_code == 400
    client.post("/orgs/acme/teams/devs", {"action": "permission", "repository": "app", "permission": "none"})
    assert registry_actions(bob, repo, namespace_name="acme") == {"pull"}
    assert client.post("/orgs/acme/teams/devs", {"action": "delete"}).status_code == 302
    assert not acme.teams.exists()


def test_settings(client, alice, acme):
    client.force_login(alice)
    response = client.post(
        "/orgs/acme/settings", {"display_name": "ACME", "description": "Rockets", "url": "https://acme.example"}
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.display_name, acme.description, acme.url) == ("ACME", "Rockets", "https://acme.example")


# --- organization access tokens --------------------------------------------------------------------


def _basic(username, secret):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def _access(response) -> list:
    assert response.status_code == 200, response.content
    return jwt.decode(response.json()["token"], options={"verify_signature": False})["access"]


def test_token_page_creates_lists_and_revokes(client, alice, acme):
    client.force_login(alice)
    response = client.post("/orgs/acme/tokens", {"name": "ci", "scope": "read-write", "expires_in_days": "30"})
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    clear = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)
    assert clear.startswith("hub_oat_")
    token = OrganizationAccessToken.objects.get()
    assert token.token_hash != clear and clear not in token.prefix and token.created_by == alice
    assert clear not in client.get("/orgs/acme/tokens").content.decode()

    scope = {"scope": "repository:acme/app:pull,push"}
    assert _access(client.get("/token", scope, **_basic("acme", clear)))[0]["actions"] == ["pull", "push"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "never" not in client.get("/orgs/acme/tokens").content.decode().split("Last used")[1].split("</tr>")[1]

    assert client.post(f"/orgs/acme/tokens/{token.pk}/revoke").status_code == 302
    assert client.get("/token", scope, **_basic("acme", clear)).status_code == 401
    assert "revoked" in client.get("/orgs/acme/tokens").content.decode()


def test_org_token_acts_as_the_organization_and_within_it_only(client, alice, acme):
    _, clear = org_token_create(organization=acme, created_by=alice, name="ci", scope="read-write-delete")
    response = client.get(
        "/token", {"scope": "repository:acme/app:push repository:alice/app:pull,push"}, **_basic("ACME", clear)
    )
    assert response.status_code == 200
    claims = jwt.decode(response.json()["token"], options={"verify_signature": False})
    assert claims["sub"] == "acme" and claims["uid"] is None
    assert claims["access"] == [{"type": "repository", "name": "acme/app", "actions": ["push"]}]
    # Only with the organization's name as username.
    assert client.get("/token", {"scope": "repository:acme/app:pull"}, **_basic("alice", clear)).status_code == 401
    # Not a password for the website's sign-in or the Hub API's login.
    assert not client.login(username="acme", password=clear)
    assert client.post("/v2/users/login/", {"username": "acme", "password": clear}).status_code in (400, 401)


def test_expired_org_token_is_refused(client, alice, acme):
    _, clear = org_token_create(
        organization=acme, created_by=alice, name="ci", scope="read", expires_at=timezone.now() - timezone.timedelta(1)
    )
    assert client.get("/token", {"scope": "repository:acme/app:pull"}, **_basic("acme", clear)).status_code == 401


def test_org_token_refresh_token_ends_with_revocation(client, alice, acme):
    token, clear = org_token_create(organization=acme, created_by=alice, name="ci", scope="read")
    response = client.get(
        "/token", {"scope": "repository:acme/app:pull", "offline_token": "true"}, **_basic("acme", clear)
    )
    refresh = response.json()["refresh_token"]
    form = {"grant_type": "refresh_token", "refresh_token": refresh, "scope": "repository:acme/app:pull,push"}
    assert _access(client.post("/token", form))[0]["actions"] == ["pull"]
    org_token_revoke(organization=acme, token_id=token.pk)
    assert client.post("/token", form).status_code == 401


def test_org_token_oauth_password_grant(client, alice, acme):
    _, clear = org_token_create(organization=acme, created_by=alice, name="ci", scope="read-write")
    form = {"grant_type": "password", "username": "acme", "password": clear, "scope": "repository:acme/x:pull,push"}
    assert _access(client.post("/token", form))[0]["actions"] == ["pull", "push"]


def test_teams_of_other_organizations_are_not_found(client, alice, bob, acme):
    team_create(organization=acme, name="devs")
    client.force_login(alice)
    assert client.get("/orgs/acme/teams/nope").status_code == 404


def test_registry_token_names_the_organization(client, alice, acme):
    token, clear = org_token_create(organization=acme, created_by=alice, name="ci", scope="read")
    response = client.get("/token", {"scope": "repository:acme/app:pull"}, **_basic("acme", clear))
    principal = token_principal(token_decode(response.json()["token"]))
    assert (principal.namespace_id, principal.username, principal.token_id) == (acme.pk, "acme", token.pk)
    response = client.get("/token", {"scope": "repository:acme/app:pull"}, **_basic("alice", "alice-password"))
    assert token_principal(token_decode(response.json()["token"])) == alice
    assert token_principal(token_decode(client.get("/token").json()["token"])) is None
