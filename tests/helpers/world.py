"""The world the authorization tests share (tests/test_permission_matrix.py, tests/test_surface_matrix.py):

  acme          an organization: alice owner, ed editor, mia member, tess member + team `writers`
                (write on acme/vault), tad member + team `admins` (admin on acme/vault)
  acme/vault    private      acme/plaza   public      zed/diary   private, zed's own namespace
  cora          in the `curators` group, nothing else        root   a superuser

MATRIX says, by hand, what each principal may do: a string of actions per repository, p = pull (read,
see), u = push (write), d = delete. The tests compare every surface with it, never with the code.
"""

from django.contrib.auth.models import Group

from hub.accounts.services import user_create
from images.models import Repository
from images.services import authorization
from images.services.organizations import (
    membership_set,
    organization_create,
    team_create,
    team_member_add,
    team_permission_set,
)
from images.services.repositories import repository_update
from tests.registry.conftest import RegistryClient

VAULT, PLAZA, DIARY = "acme/vault", "acme/plaza", "zed/diary"
REPOSITORIES = (VAULT, PLAZA, DIARY)
LETTERS = {"p": "pull", "u": "push", "d": "delete"}

# principal: vault, plaza, diary, EDIT_LISTING(vault), ADMINISTER(vault), ORGANIZATION_MANAGE(acme), role in acme
MATRIX = {
    "anonymous": ("", "p", "", False, False, False, None),
    "zed": ("", "p", "pud", False, False, False, None),  # a signed-in user with no part in acme
    "curator": ("", "p", "", False, False, False, None),
    "member": ("p", "p", "", False, False, False, "member"),
    "team_write": ("pu", "p", "", True, False, False, "member"),
    "team_admin": ("pud", "p", "", True, True, False, "member"),
    "editor": ("pu", "pu", "", True, False, False, "editor"),
    "owner": ("pud", "pud", "", True, True, True, "owner"),
    "admin": ("pud", "pud", "pud", True, True, True, "owner"),
}
USERNAMES = {
    "zed": "zed",
    "curator": "cora",
    "member": "mia",
    "team_write": "tess",
    "team_admin": "tad",
    "editor": "ed",
    "owner": "alice",
    "admin": "root",
}
PRINCIPALS = list(MATRIX)


def actions(letters: str) -> set[str]:
    return {LETTERS[c] for c in letters}


def expected(principal: str, repository: str) -> set[str]:
    return actions(MATRIX[principal][REPOSITORIES.index(repository)])


def password(username: str) -> str:
    return f"{username}-secret-password"


def world_build(client):
    """The world of the module docstring, pushed through the registry as root; returns its people and digests."""
    users = {name: user_create(username=name, password=password(name)) for name in USERNAMES.values() if name != "root"}
    users["root"] = user_create(username="root", password=password("root"), is_superuser=True)
    users["cora"].groups.add(Group.objects.get(name=authorization.CURATORS_GROUP))
    acme = organization_create(owner=users["alice"], name="acme", display_name="Acme")
    for name, role in (("ed", "editor"), ("mia", "member"), ("tess", "member"), ("tad", "member")):
        membership_set(organization=acme, user=users[name], role=role)

    root = RegistryClient(client, "root", password("root"))
    digests = {}
    for repository in REPOSITORIES:
        digests[repository], _ = root.push_image(repository, "latest", layers=(repository.encode(),))
    for repository in (VAULT, DIARY):
        repository_update(
            actor=users["root"],
            repository=Repository.objects.get(namespace__name=repository.split("/")[0], name=repository.split("/")[1]),
            is_private=True,
        )
    vault = Repository.objects.get(namespace=acme, name="vault")
    writers, admins = team_create(organization=acme, name="writers"), team_create(organization=acme, name="admins")
    team_member_add(team=writers, user=users["tess"])
    team_member_add(team=admins, user=users["tad"])
    team_permission_set(team=writers, repository=vault, permission="write")
    team_permission_set(team=admins, repository=vault, permission="admin")
    client.logout()
    return {"users": users, "digests": digests, "acme": acme}


def user_of(world, principal):
    return None if principal == "anonymous" else world["users"][USERNAMES[principal]]
