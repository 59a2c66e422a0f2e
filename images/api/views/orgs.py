"""Organizations: the organization, its members with their roles, and its teams (Docker Hub's "groups") with
their members and per-repository permissions.

Everything here is for the organization's own people, as in the console: a signed-in caller who is not a
member gets 404 (an organization's member list is not public), members may read, and only owners
(images.services.authorization, ORGANIZATION_MANAGE) change anything — with a credential that allows
`delete` (a repo:admin token, a password or a session), the scope repository settings need too.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from hub.accounts.selectors import user_by_name
from images.api.auth import credential_of
from images.api.parameters import PAGE
from images.api.schema import ERRORS, LIST_ERRORS, READ_ERRORS, operation
from images.api.serializers.common import paginated
from images.api.serializers.people import (
    OrganizationSerializer,
    OrgMemberAddSerializer,
    OrgMemberRoleSerializer,
    OrgMemberSerializer,
)
from images.api.views.base import ApiView, found
from images.models import Membership, Namespace, Team, TeamRepositoryPermission
from images.selectors.organizations import (
    membership_exists,
    membership_get,
    memberships_by_name,
    organization_counts,
    organization_get,
    team_by_name,
    team_names_by_user,
)
from images.services.authorization import ORGANIZATION_MANAGE, SCOPE_NEEDS, may, namespace_role
from images.services.organizations import (
    membership_remove,
    membership_set,
)

TAGS = ["organizations"]


def organization_for(request, org: str, *, manage: bool = False) -> Namespace:
    """The organization, if the caller belongs to it (404 otherwise, so outsiders cannot tell it from a
    missing one); with `manage`, 403 unless they own it and their credential's scope allows it."""
    credential = credential_of(request)
    if credential is None:
        raise exceptions.NotAuthenticated("sign in, or send a token: Authorization: Bearer <token>")
    organization = organization_get(name=org)
    if organization is None or namespace_role(request.user, organization) is None:
        raise exceptions.NotFound(f"organization {org[:100]} not found")
    if manage:
        if not may(request.user, ORGANIZATION_MANAGE, namespace=organization):
            raise exceptions.PermissionDenied("only the organization's owners may change its members and teams")
        if SCOPE_NEEDS[ORGANIZATION_MANAGE] not in credential.allowed:
            raise exceptions.PermissionDenied("this token's scope does not allow managing an organization (repo:admin)")
    return organization


def team_or_404(organization: Namespace, name: str) -> Team:
    return found(team_by_name(organization=organization, name=name), f"group {name[:100]} not found")


def user_or_400(username: str, *, field: str):
    """The active account named in a request body; a 400 (it is bad input, not a missing resource)."""
    user = user_by_name(username=username, active_only=True)
    if user is None:
        raise exceptions.ValidationError({field: [f"no user {username[:150]!r}"]})
    return user


def member_or_404(organization: Namespace, username: str) -> Membership:
    membership = membership_get(organization=organization, username=username)
    return found(membership, f"{username[:150]} is not a member of {organization.name}")


def _badge(organization: Namespace) -> str:
    now = timezone.now()
    if organization.verified_until and organization.verified_until > now:
        return "verified_publisher"
    if organization.sponsored_until and organization.sponsored_until > now:
        return "open_source"
    return "none"


def organization_data(organization: Namespace, role: str) -> dict:
    members, teams = organization_counts(organization=organization)
    return {
        "id": organization.pk,
        "orgname": organization.name,
        "full_name": organization.display_name,
        "company": "",
        "location": "",
        "profile_url": organization.url,
        "description": organization.description,
        "date_joined": organization.created_at,
        "gravatar_url": "",
        "type": "Organization",
        "badge": _badge(organization),
        "user_role": role,
        "member_count": members,
        "org_groups_count": teams,
    }


def member_data(membership: Membership, groups: list[str]) -> dict:
    user = membership.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.display_name or user.get_full_name(),
        "type": "User",
        "role": membership.role,
        "groups": groups,
        "date_joined": membership.created_at,
    }


def members_data(organization: Namespace, memberships: list[Membership]) -> list[dict]:
    groups = team_names_by_user(organization=organization, user_ids=[m.user_id for m in memberships])
    return [member_data(m, groups.get(m.user_id, [])) for m in memberships]


def group_data(team: Team) -> dict:
    return {"id": team.pk, "name": team.name, "description": team.description, "member_count": team.members.count()}


def group_member_data(user) -> dict:
    return {"id": user.pk, "username": user.username, "full_name": user.display_name or user.get_full_name()}


def grant_data(grant: TeamRepositoryPermission) -> dict:
    return {
        "namespace": grant.repository.namespace.name,
        "repository": grant.repository.name,
        "permission": grant.permission,
    }


# --- the organization and its members --------------------------------------------------------------


@extend_schema(tags=TAGS)
class OrganizationDetailView(ApiView):
    @operation("org_get", OrganizationSerializer, READ_ERRORS)
    def get(self, request, org: str):
        """An organization you belong to, with your role in it."""
        organization = organization_for(request, org)
        role = namespace_role(request.user, organization)
        return Response(OrganizationSerializer(organization_data(organization, role)).data)


@extend_schema(tags=TAGS)
class OrgMemberListView(ApiView):
    @operation("org_member_list", paginated(OrgMemberSerializer), LIST_ERRORS, parameters=PAGE)
    def get(self, request, org: str):
        """The organization's members, with their roles and groups."""
        organization = organization_for(request, org)
        memberships = memberships_by_name(organization=organization)
        return self.page(request, memberships, OrgMemberSerializer, lambda page: members_data(organization, page))

    @operation("org_member_add", {201: OrgMemberSerializer}, ERRORS, request=OrgMemberAddSerializer)
    def post(self, request, org: str):
        """Add a member with a role (owners only)."""
        organization = organization_for(request, org, manage=True)
        values = self.body(request, OrgMemberAddSerializer)
        user = user_or_400(values["username"], field="username")
        if membership_exists(organization=organization, user=user):
            raise exceptions.ValidationError(
                {"username": [f"{user.username} is already a member; PATCH /members/{user.username}/ changes the role"]}
            )
        membership = membership_set(organization=organization, user=user, role=values["role"])
        return Response(OrgMemberSerializer(member_data(membership, [])).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class OrgMemberDetailView(ApiView):
    @operation("org_member_get", OrgMemberSerializer, READ_ERRORS)
    def get(self, request, org: str, username: str):
        """One member of the organization."""
        organization = organization_for(request, org)
        membership = member_or_404(organization, username)
        return Response(OrgMemberSerializer(members_data(organization, [membership])[0]).data)

    def _role_change(self, request, org: str, username: str):
        organization = organization_for(request, org, manage=True)
        membership = member_or_404(organization, username)
        values = self.body(request, OrgMemberRoleSerializer)
        membership = membership_set(organization=organization, user=membership.user, role=values["role"])
        return Response(OrgMemberSerializer(members_data(organization, [membership])[0]).data)

    @operation("org_member_update", OrgMemberSerializer, ERRORS, request=OrgMemberRoleSerializer)
    def patch(self, request, org: str, username: str):
        """Change a member's role (owners only; an organization always keeps an owner)."""
        return self._role_change(request, org, username)

    @operation("org_member_replace", OrgMemberSerializer, ERRORS, request=OrgMemberRoleSerializer)
    def put(self, request, org: str, username: str):
        """Change a member's role, as Docker Hub's PUT does."""
        return self._role_change(request, org, username)

    @operation("org_member_remove", {204: None}, ERRORS)
    def delete(self, request, org: str, username: str):
        """Remove a member from the organization and its groups (owners only; never the last owner)."""
        organization = organization_for(request, org, manage=True)
        membership = member_or_404(organization, username)
        membership_remove(organization=organization, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
