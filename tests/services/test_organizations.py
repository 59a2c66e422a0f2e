"""images.services.organizations: organizations, memberships, teams and their rules."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from images.models import Membership, Namespace, Repository, Team, TeamMember, TeamRepositoryPermission
from images.services.authorization import namespace_role, registry_actions
from images.services.organizations import (
    membership_remove,
    membership_set,
    organization_create,
    team_create,
    team_member_add,
    team_permission_set,
)
from tests.accounts.test_names import RESERVED

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(alice):
    return organization_create(owner=alice, name="acme", display_name="Acme Inc.")


@pytest.mark.parametrize("name", RESERVED)
def test_reserved_names_refused_for_organizations(alice, name):
    with pytest.raises(ValidationError):
        organization_create(owner=alice, name=name)


@pytest.mark.parametrize("name", ["a", "UPPER case", "bad/slash", "-dash", "x" * 31, "a..b", "ünï"])
def test_invalid_names_refused(alice, name):
    with pytest.raises(ValidationError):
        organization_create(owner=alice, name=name)


def test_organization_create_makes_an_org_namespace_owned_by_its_creator(alice, acme):
    assert acme.kind == Namespace.Kind.ORGANIZATION and acme.user is None and acme.display_name == "Acme Inc."
    assert Membership.objects.get(organization=acme).user == alice
    assert namespace_role(alice, acme) == "owner"


def test_membership_set_adds_changes_and_validates_roles(acme, bob):
    membership_set(organization=acme, user=bob, role="member")
    assert namespace_role(bob, acme) == "member"
    membership_set(organization=acme, user=bob, role="editor")
    assert namespace_role(bob, acme) == "editor"
    assert Membership.objects.filter(organization=acme).count() == 2
    with pytest.raises(ValidationError):
        membership_set(organization=acme, user=bob, role="god")


def test_an_organization_keeps_an_owner(alice, acme, bob):
    with pytest.raises(ValidationError, match="owner"):
        membership_set(organization=acme, user=alice, role="member")
    with pytest.raises(ValidationError, match="owner"):
        membership_remove(organization=acme, user=alice)
    membership_set(organization=acme, user=bob, role="owner")
    membership_set(organization=acme, user=alice, role="member")  # bob owns it now
    assert namespace_role(alice, acme) == "member"
    assert membership_remove(organization=acme, user=alice)
    assert namespace_role(alice, acme) is None


def test_memberships_are_for_organizations_only(alice, bob):
    with pytest.raises(ValidationError):
        membership_set(organization=Namespace.objects.get(name="alice"), user=bob, role="member")


def test_teams_hold_members_only_and_leaving_the_organization_leaves_its_teams(acme, bob):
    team = team_create(organization=acme, name="Builders", description="CI")
    assert team.name == "builders"
    with pytest.raises(ValidationError, match="already"):
        team_create(organization=acme, name="builders")
    with pytest.raises(ValidationError, match="not a member"):
        team_member_add(team=team, user=bob)
    membership_set(organization=acme, user=bob, role="member")
    team_member_add(team=team, user=bob)
    team_member_add(team=team, user=bob)  # idempotent
    assert TeamMember.objects.filter(team=team).count() == 1
    membership_remove(organization=acme, user=bob)
    assert not TeamMember.objects.filter(user=bob).exists()
    assert Team.objects.filter(pk=team.pk).exists()


def test_team_permissions_add_to_the_role_on_one_repository(acme, bob):
    app = Repository.objects.create(namespace=acme, name="app", is_private=True)
    other = Repository.objects.create(namespace=acme, name="other", is_private=True)
    membership_set(organization=acme, user=bob, role="member")
    team = team_create(organization=acme, name="devs")
    team_member_add(team=team, user=bob)
    assert registry_actions(bob, app, namespace_name="acme") == {"pull"}
    team_permission_set(team=team, repository=app, permission="write")
    assert registry_actions(bob, app, namespace_name="acme") == {"pull", "push"}
    team_permission_set(team=team, repository=app, permission="admin")
    assert registry_actions(bob, app, namespace_name="acme") == {"pull", "push", "delete"}
    assert registry_actions(bob, other, namespace_name="acme") == {"pull"}
    assert TeamRepositoryPermission.objects.count() == 1
    team_permission_set(team=team, repository=app, permission=None)
    assert registry_actions(bob, app, namespace_name="acme") == {"pull"}
    with pytest.raises(ValidationError):
        team_permission_set(team=team, repository=app, permission="superuser")


def test_team_permissions_are_on_the_organizations_own_repositories(alice, acme):
    team = team_create(organization=acme, name="devs")
    elsewhere = Repository.objects.create(namespace=Namespace.objects.get(name="alice"), name="app")
    with pytest.raises(ValidationError):
        team_permission_set(team=team, repository=elsewhere, permission="read")


def test_curators_group_exists_and_grants_no_repository_rights(acme, bob):
    private = Repository.objects.create(namespace=acme, name="app", is_private=True)
    bob.groups.add(Group.objects.get(name="curators"))
    assert registry_actions(bob, private, namespace_name="acme") == set()


def test_inactive_users_get_nothing(acme, bob):
    private = Repository.objects.create(namespace=acme, name="app", is_private=True)
    membership_set(organization=acme, user=bob, role="owner")
    bob.is_active = False
    bob.save()
    assert registry_actions(bob, private, namespace_name="acme") == set()
    assert namespace_role(bob, acme) is None
