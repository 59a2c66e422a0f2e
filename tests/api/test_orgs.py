"""Organizations through the Hub API: the organization, members and roles, groups (teams), their members and
repository permissions. Shapes, who may (anonymous 401, outsider 404, member 403 on writes, owner ok), bad input."""

import pytest

from hub.accounts.services import user_create
from images.models import Membership, Repository, Team, TeamMember, TeamRepositoryPermission
from images.services.organizations import (
    membership_set,
    organization_create,
    team_create,
    team_member_add,
    team_permission_set,
)
from tests.api.conftest import bearer, pat

pytestmark = pytest.mark.django_db
ORG = "/v2/orgs/acme/"
ORG_KEYS = {"id", "orgname", "full_name", "company", "location", "profile_url", "description", "date_joined",
            "gravatar_url", "type", "badge", "user_role", "member_count", "org_groups_count"}  # fmt: skip
MEMBER_KEYS = {"id", "username", "full_name", "type", "role", "groups", "date_joined"}
PAGE_KEYS = {"count", "next", "previous", "results"}


@pytest.fixture
def carol(db):
    return user_create(username="carol", password="carol-password")


@pytest.fixture
def acme(alice, bob):
    """alice owns acme, bob is a member, with a team `release` (bob on it) that may write to acme/app."""
    org = organization_create(owner=alice, name="acme", display_name="Acme Corp")
    membership_set(organization=org, user=bob, role="member")
    team = team_create(organization=org, name="release", description="ships it")
    team_member_add(team=team, user=bob)
    app = Repository.objects.create(namespace=org, name="app", is_private=True)
    team_permission_set(team=team, repository=app, permission="write")
    return org


@pytest.fixture
def owner(alice):
    return bearer(pat(alice, "read-write-delete"))


@pytest.fixture
def member(bob):
    return bearer(pat(bob, "read-write-delete"))


@pytest.fixture
def outsider(carol):
    return bearer(pat(carol, "read-write-delete"))


# --- shapes ----------------------------------------------------------------------------------------


def test_the_organization(api, acme, owner, member):
    body = api.get(ORG, **owner).json()
    assert set(body) == ORG_KEYS
    assert (body["orgname"], body["full_name"], body["type"], body["badge"]) == (
        "acme",
        "Acme Corp",
        "Organization",
        "none",
    )
    assert (body["user_role"], body["member_count"], body["org_groups_count"]) == ("owner", 2, 1)
    assert api.get(ORG, **member).json()["user_role"] == "member"
    assert api.get("/v2/orgs/ACME", **owner).status_code == 200
    assert api.get("/api/v2/orgs/acme/", **owner).status_code == 200


def test_members_list_with_roles_and_groups(api, acme, owner, member):
    for headers in (owner, member):
        page = api.get(f"{ORG}members/", **headers).json()
        assert set(page) == PAGE_KEYS and page["count"] == 2
        assert [set(m) for m in page["results"]] == [MEMBER_KEYS] * 2
        assert [(m["username"], m["role"], m["groups"]) for m in page["results"]] == [
            ("alice", "owner", []),
            ("bob", "member", ["release"]),
        ]
    one = api.get(f"{ORG}members/bob/", **member)
    assert one.status_code == 200 and one.json()["groups"] == ["release"]
    assert api.get(f"{ORG}members/carol/", **owner).status_code == 404
    paged = api.get(f"{ORG}members/?page_size=1&page=2", **owner).json()
    assert [m["username"] for m in paged["results"]] == ["bob"] and paged["previous"]


def test_owner_adds_changes_and_removes_a_member(api, acme, carol, owner):
    added = api.post(f"{ORG}members/", {"username": "carol", "role": "editor"}, **owner)
    assert added.status_code == 201, added.content
    assert set(added.json()) == MEMBER_KEYS and added.json()["role"] == "editor"
    changed = api.patch(f"{ORG}members/carol/", {"role": "owner"}, **owner)
    assert changed.status_code == 200 and changed.json()["role"] == "owner"
    put = api.put(f"{ORG}members/carol", {"role": "member"}, content_type="application/json", **owner)
    assert put.status_code == 200 and put.json()["role"] == "member"
    assert Membership.objects.get(organization=acme, user=carol).role == "member"
    assert api.delete(f"{ORG}members/carol/", **owner).status_code == 204
    assert not Membership.objects.filter(organization=acme, user=carol).exists()
    assert api.delete(f"{ORG}members/carol/", **owner).status_code == 404


def test_removing_a_member_takes_them_off_its_groups(api, acme, bob, owner):
    assert api.delete(f"{ORG}members/bob", **owner).status_code == 204
    assert not TeamMember.objects.filter(user=bob).exists()


@pytest.mark.parametrize(
    "method, path, data, field",
    [
        ("post", "members/", {"username": "carol", "role": "admin"}, "role"),
        ("post", "members/", {"role": "member"}, "username"),
        ("post", "members/", {"username": "nobody", "role": "member"}, "username"),
        ("post", "members/", {"username": "bob", "role": "owner"}, "username"),  # already a member: PATCH
        ("patch", "members/bob/", {"role": "boss"}, "role"),
        ("patch", "members/bob/", {}, "role"),
        ("post", "groups/", {"name": "Not A Name!"}, "detail"),
        ("post", "groups/", {"name": "release"}, "detail"),
        ("post", "groups/", {}, "name"),
        ("post", "groups/release/members/", {}, "member"),
        ("post", "groups/release/members/", {"member": "nobody"}, "member"),
        ("post", "groups/release/members/", {"member": "carol"}, "detail"),  # not in the organization
        ("post", "groups/release/repositories/", {"repository": "app", "permission": "owner"}, "permission"),
        ("post", "groups/release/repositories/", {"repository": "missing", "permission": "read"}, "repository"),
        ("post", "groups/release/repositories/", {"repository": "alice/x", "permission": "read"}, "repository"),
    ],
)
def test_bad_input_is_a_400_with_a_message(api, acme, carol, owner, method, path, data, field):
    response = getattr(api, method)(f"{ORG}{path}", data, **owner)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"] and body["message"] == body["detail"]
    assert field in body["errinfo"]


def test_the_last_owner_stays(api, acme, owner):
    demoted = api.patch(f"{ORG}members/alice/", {"role": "member"}, **owner)
    assert demoted.status_code == 400 and "owner" in demoted.json()["message"]
    assert api.delete(f"{ORG}members/alice/", **owner).status_code == 400
    assert Membership.objects.get(organization=acme, user__username="alice").role == "owner"


def test_groups(api, acme, owner, member):
    page = api.get(f"{ORG}groups/", **member).json()
    assert set(page) == PAGE_KEYS
    assert page["results"] == [{"id": page["results"][0]["id"], "name": "release", "description": "ships it",
                                "member_count": 1}]  # fmt: skip
    created = api.post(f"{ORG}groups/", {"name": "QA", "description": "tests it"}, **owner)
    assert created.status_code == 201
    assert {k: v for k, v in created.json().items() if k != "id"} == {
        "name": "qa",
        "description": "tests it",
        "member_count": 0,
    }
    assert api.get(f"{ORG}groups/qa/", **member).json()["name"] == "qa"
    assert api.get(f"{ORG}groups/nope/", **owner).status_code == 404
    assert api.delete(f"{ORG}groups/qa/", **owner).status_code == 204
    assert not Team.objects.filter(name="qa").exists()


def test_group_members(api, acme, alice, bob, owner, member):
    page = api.get(f"{ORG}groups/release/members/", **member).json()
    assert set(page) == PAGE_KEYS
    assert [(u["username"], set(u)) for u in page["results"]] == [("bob", {"id", "username", "full_name"})]
    added = api.post(f"{ORG}groups/release/members/", {"member": "alice"}, **owner)
    assert added.status_code == 201 and added.json()["username"] == "alice"
    again = api.post(f"{ORG}groups/release/members", {"username": "alice"}, **owner)
    assert again.status_code == 201  # already there: nothing changes
    assert TeamMember.objects.filter(team__name="release").count() == 2
    assert api.delete(f"{ORG}groups/release/members/bob/", **owner).status_code == 204
    assert api.delete(f"{ORG}groups/release/members/bob/", **owner).status_code == 404
    assert api.delete(f"{ORG}groups/release/members/nobody", **owner).status_code == 404
    assert Membership.objects.filter(organization=acme, user=bob).exists()  # still in the organization


def test_group_repository_permissions(api, acme, owner, member):
    listed = api.get(f"{ORG}groups/release/repositories/", **member)
    assert listed.json() == [{"namespace": "acme", "repository": "app", "permission": "write"}]
    Repository.objects.create(namespace=acme, name="web")
    set_ = api.post(f"{ORG}groups/release/repositories/", {"repository": "acme/web", "permission": "admin"}, **owner)
    assert set_.status_code == 200 and set_.json() == {"namespace": "acme", "repository": "web", "permission": "admin"}
    changed = api.post(f"{ORG}groups/release/repositories", {"repository": "app", "permission": "read"}, **owner)
    assert changed.json()["permission"] == "read"
    assert [g["permission"] for g in api.get(f"{ORG}groups/release/repositories/", **owner).json()] == ["read", "admin"]
    assert api.delete(f"{ORG}groups/release/repositories/web/", **owner).status_code == 204
    assert api.delete(f"{ORG}groups/release/repositories/web", **owner).status_code == 404
    assert list(TeamRepositoryPermission.objects.values_list("repository__name", "permission")) == [("app", "read")]


def test_a_group_permission_grants_access_through_the_api(api, acme, bob, owner, member):
    detail = "/v2/repositories/acme/app/"
    assert api.get(detail, **member).json()["permissions"] == {"read": True, "write": True, "admin": False}
    api.post(f"{ORG}groups/release/repositories/", {"repository": "app", "permission": "admin"}, **owner)
    assert api.get(detail, **member).json()["permissions"]["admin"] is True


# --- who may ---------------------------------------------------------------------------------------

READS = ["", "members/", "members/alice/", "groups/", "groups/release/", "groups/release/members/",
         "groups/release/repositories/"]  # fmt: skip
WRITES = [
    ("post", "members/", {"username": "carol", "role": "member"}),
    ("patch", "members/bob/", {"role": "editor"}),
    ("delete", "members/bob/", None),
    ("post", "groups/", {"name": "qa"}),
    ("delete", "groups/release/", None),
    ("post", "groups/release/members/", {"member": "alice"}),
    ("delete", "groups/release/members/bob/", None),
    ("post", "groups/release/repositories/", {"repository": "app", "permission": "admin"}),
    ("delete", "groups/release/repositories/app/", None),
]


def _write(api, method, path, data, headers):
    if method == "delete":
        return api.delete(f"{ORG}{path}", **headers)
    return getattr(api, method)(f"{ORG}{path}", data, **headers)


def _unchanged(acme):
    assert Membership.objects.filter(organization=acme).count() == 2
    assert list(Team.objects.values_list("name", flat=True)) == ["release"]
    assert TeamMember.objects.count() == 1
    assert list(TeamRepositoryPermission.objects.values_list("permission", flat=True)) == ["write"]


def test_anonymous_callers_are_asked_to_sign_in(api, acme):
    assert {api.get(f"{ORG}{p}").status_code for p in READS} == {401}
    assert {_write(api, m, p, d, {}).status_code for m, p, d in WRITES} == {401}
    assert api.get("/v2/orgs/nosuchorg/").status_code == 401  # the same answer, existing or not
    _unchanged(acme)


def test_outsiders_see_nothing(api, acme, outsider):
    assert {api.get(f"{ORG}{p}", **outsider).status_code for p in READS} == {404}
    assert {_write(api, m, p, d, outsider).status_code for m, p, d in WRITES} == {404}
    missing = api.get("/v2/orgs/nosuchorg/", **outsider)
    assert missing.status_code == 404 and missing.json()["message"]
    _unchanged(acme)


def test_a_user_namespace_is_not_an_organization(api, alice, owner):
    assert api.get("/v2/orgs/alice/", **owner).status_code == 404


def test_members_may_read_but_not_write(api, acme, member):
    assert {api.get(f"{ORG}{p}", **member).status_code for p in READS} == {200}
    responses = [_write(api, m, p, d, member) for m, p, d in WRITES]
    assert {r.status_code for r in responses} == {403}
    assert all("owner" in r.json()["message"] for r in responses)
    _unchanged(acme)


def test_editors_may_not_write_either(api, acme, bob, member):
    membership_set(organization=acme, user=bob, role="editor")
    assert {_write(api, m, p, d, member).status_code for m, p, d in WRITES} == {403}


def test_an_owner_token_needs_the_admin_scope_to_write(api, acme, alice):
    for scope in ("read", "read-write"):
        headers = bearer(pat(alice, scope))
        assert api.get(f"{ORG}members/", **headers).status_code == 200
        responses = [_write(api, m, p, d, headers) for m, p, d in WRITES]
        assert {r.status_code for r in responses} == {403}
        assert all("scope" in r.json()["message"] for r in responses)
    _unchanged(acme)


def test_owners_may_write(api, acme, carol, owner):
    statuses = [_write(api, m, p, d, owner).status_code for m, p, d in WRITES]
    assert statuses == [201, 200, 204, 201, 204, 404, 404, 404, 404]  # the group is gone after its deletion


def test_a_superuser_sees_every_organization(api, acme):
    root = user_create(username="root", password="root-password", is_superuser=True)
    assert api.get(ORG, **bearer(pat(root, "read"))).json()["user_role"] == "owner"


@pytest.mark.parametrize(
    "method, path",
    [("get", "/v2/orgs/%00/"), ("get", f"{ORG}groups/%00/"), ("get", f"{ORG}members/%00/"),
     ("delete", f"{ORG}groups/release/members/%00/"), ("delete", f"{ORG}groups/release/repositories/%00/")],
)  # fmt: skip
def test_a_nul_in_a_name_is_a_404_not_a_database_error(api, acme, owner, method, path):
    # PostgreSQL refuses NUL in text comparisons; such a name names nothing.
    assert getattr(api, method)(path, **owner).status_code == 404
