"""Organizations: the organization, its members with their roles, and its teams (Docker Hub's "groups") with
their members and per-repository permissions.

Everything here is for the organization's own people, as in the console: a signed-in caller who is not a
member gets 404 (an organization's member list is not public), members may read, and only owners
(images.services.authorization, ORGANIZATION_MANAGE) change anything — with a credential that allows
`delete` (a repo:admin token, a password or a session), the scope repository settings need too.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from images.api.auth import credential_of
from images.api.pagination import HubPagination
from images.api.serializers.common import ErrorSerializer, paginated
from images.api.serializers.orgs import (
    GroupCreateSerializer,
    GroupMemberAddSerializer,
    GroupMemberSerializer,
    GroupRepositorySerializer,
    GroupRepositorySetSerializer,
    GroupSerializer,
    OrganizationSerializer,
    OrgMemberAddSerializer,
    OrgMemberRoleSerializer,
    OrgMemberSerializer,
)
from images.api.views.base import DELETE, ApiView
from images.models import Membership, Namespace, Repository, Team, TeamMember, TeamRepositoryPermission
from images.selectors.organizations import organization_get
from images.services.authorization import ORGANIZATION_MANAGE, may, namespace_role
from images.services.organizations import (
    membership_remove,
    membership_set,
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_permission_set,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
READ_ERRORS = {401: ErrorSerializer, 404: ErrorSerializer}
LIST_ERRORS = {400: ErrorSerializer, **READ_ERRORS}  # a bad page_size
PAGE = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]
TAGS = ["organizations"]


def _organization(request, org: str, *, manage: bool = False) -> Namespace:
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
        if DELETE not in credential.allowed:
            raise exceptions.PermissionDenied("this token's scope does not allow managing an organization (repo:admin)")
    return organization


def _team(organization: Namespace, name: str) -> Team:
    team = Team.objects.filter(organization=organization, name=name.lower()).first()
    if team is None:
        raise exceptions.NotFound(f"group {name[:100]} not found")
    return team


def _user(username: str, *, field: str):
    """The active account named in a request body; a 400 (it is bad input, not a missing resource)."""
    user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise exceptions.ValidationError({field: [f"no user {username[:150]!r}"]})
    return user


def _member(organization: Namespace, username: str) -> Membership:
    membership = (
        Membership.objects.select_related("user")
        .filter(organization=organization, user__username__iexact=username)
        .first()
    )
    if membership is None:
        raise exceptions.NotFound(f"{username[:150]} is not a member of {organization.name}")
    return membership


def _badge(organization: Namespace) -> str:
    now = timezone.now()
    if organization.verified_until and organization.verified_until > now:
        return "verified_publisher"
    if organization.sponsored_until and organization.sponsored_until > now:
        return "open_source"
    return "none"


def organization_data(organization: Namespace, role: str) -> dict:
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
        "member_count": Membership.objects.filter(organization=organization).count(),
        "org_groups_count": Team.objects.filter(organization=organization).count(),
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


def _groups_of(organization: Namespace, user_ids: list[int]) -> dict[int, list[str]]:
    groups: dict[int, list[str]] = {}
    rows = TeamMember.objects.filter(team__organization=organization, user_id__in=user_ids).order_by("team__name")
    for user_id, team_name in rows.values_list("user_id", "team__name"):
        groups.setdefault(user_id, []).append(team_name)
    return groups


def _members_data(organization: Namespace, memberships: list[Membership]) -> list[dict]:
    groups = _groups_of(organization, [m.user_id for m in memberships])
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


def _page(view, request, queryset, shape, serializer):
    paginator = HubPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(shape(list(page)), many=True).data)


# --- the organization and its members --------------------------------------------------------------


class OrganizationDetailView(ApiView):
    @extend_schema(
        operation_id="org_get",
        responses={200: OrganizationSerializer, **READ_ERRORS},
        summary="An organization you belong to, with your role in it",
        tags=TAGS,
    )
    def get(self, request, org: str):
        organization = _organization(request, org)
        role = namespace_role(request.user, organization)
        return Response(OrganizationSerializer(organization_data(organization, role)).data)


class OrgMemberListView(ApiView):
    @extend_schema(
        operation_id="org_member_list",
        parameters=PAGE,
        responses={200: paginated(OrgMemberSerializer), **LIST_ERRORS},
        summary="The organization's members, with their roles and groups",
        tags=TAGS,
    )
    def get(self, request, org: str):
        organization = _organization(request, org)
        memberships = (
            Membership.objects.filter(organization=organization).select_related("user").order_by("user__username")
        )
        return _page(self, request, memberships, lambda page: _members_data(organization, page), OrgMemberSerializer)

    @extend_schema(
        operation_id="org_member_add",
        request=OrgMemberAddSerializer,
        responses={201: OrgMemberSerializer, **ERRORS},
        summary="Add a member with a role (owners only)",
        tags=TAGS,
    )
    def post(self, request, org: str):
        organization = _organization(request, org, manage=True)
        form = OrgMemberAddSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = _user(form.validated_data["username"], field="username")
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise exceptions.ValidationError(
                {"username": [f"{user.username} is already a member; PATCH /members/{user.username}/ changes the role"]}
            )
        membership = membership_set(organization=organization, user=user, role=form.validated_data["role"])
        return Response(OrgMemberSerializer(member_data(membership, [])).data, status=status.HTTP_201_CREATED)


class OrgMemberDetailView(ApiView):
    @extend_schema(
        operation_id="org_member_get",
        responses={200: OrgMemberSerializer, **READ_ERRORS},
        summary="One member of the organization",
        tags=TAGS,
    )
    def get(self, request, org: str, username: str):
        organization = _organization(request, org)
        membership = _member(organization, username)
        return Response(OrgMemberSerializer(_members_data(organization, [membership])[0]).data)

    def _role_change(self, request, org: str, username: str):
        organization = _organization(request, org, manage=True)
        membership = _member(organization, username)
        form = OrgMemberRoleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership = membership_set(organization=organization, user=membership.user, role=form.validated_data["role"])
        return Response(OrgMemberSerializer(_members_data(organization, [membership])[0]).data)

    @extend_schema(
        operation_id="org_member_update",
        request=OrgMemberRoleSerializer,
        responses={200: OrgMemberSerializer, **ERRORS},
        summary="Change a member's role (owners only; an organization always keeps an owner)",
        tags=TAGS,
    )
    def patch(self, request, org: str, username: str):
        return self._role_change(request, org, username)

    @extend_schema(
        operation_id="org_member_replace",
        request=OrgMemberRoleSerializer,
        responses={200: OrgMemberSerializer, **ERRORS},
        summary="Change a member's role, as Docker Hub's PUT does",
        tags=TAGS,
    )
    def put(self, request, org: str, username: str):
        return self._role_change(request, org, username)

    @extend_schema(
        operation_id="org_member_remove",
        responses={204: None, **ERRORS},
        summary="Remove a member from the organization and its groups (owners only; never the last owner)",
        tags=TAGS,
    )
    def delete(self, request, org: str, username: str):
        organization = _organization(request, org, manage=True)
        membership = _member(organization, username)
        membership_remove(organization=organization, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- groups (teams) -----------------------------------------------------------------------------------


class GroupListView(ApiView):
    @extend_schema(
        operation_id="org_group_list",
        parameters=PAGE,
        responses={200: paginated(GroupSerializer), **LIST_ERRORS},
        summary="The organization's groups (teams)",
        tags=TAGS,
    )
    def get(self, request, org: str):
        organization = _organization(request, org)
        teams = Team.objects.filter(organization=organization).prefetch_related("members").order_by("name")
        return _page(self, request, teams, lambda page: [group_data(t) for t in page], GroupSerializer)

    @extend_schema(
        operation_id="org_group_create",
        request=GroupCreateSerializer,
        responses={201: GroupSerializer, **ERRORS},
        summary="Create a group (owners only)",
        tags=TAGS,
    )
    def post(self, request, org: str):
        organization = _organization(request, org, manage=True)
        form = GroupCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        team = team_create(organization=organization, **form.validated_data)
        return Response(GroupSerializer(group_data(team)).data, status=status.HTTP_201_CREATED)


class GroupDetailView(ApiView):
    @extend_schema(
        operation_id="org_group_get", responses={200: GroupSerializer, **READ_ERRORS}, summary="One group", tags=TAGS
    )
    def get(self, request, org: str, team: str):
        return Response(GroupSerializer(group_data(_team(_organization(request, org), team))).data)

    @extend_schema(
        operation_id="org_group_delete",
        responses={204: None, **ERRORS},
        summary="Delete a group, its memberships and its repository permissions (owners only)",
        tags=TAGS,
    )
    def delete(self, request, org: str, team: str):
        team_delete(team=_team(_organization(request, org, manage=True), team))
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupMemberListView(ApiView):
    @extend_schema(
        operation_id="org_group_member_list",
        parameters=PAGE,
        responses={200: paginated(GroupMemberSerializer), **LIST_ERRORS},
        summary="The members of a group",
        tags=TAGS,
    )
    def get(self, request, org: str, team: str):
        group = _team(_organization(request, org), team)
        users = get_user_model().objects.filter(team_memberships__team=group).order_by("username")
        return _page(self, request, users, lambda page: [group_member_data(u) for u in page], GroupMemberSerializer)

    @extend_schema(
        operation_id="org_group_member_add",
        request=GroupMemberAddSerializer,
        responses={201: GroupMemberSerializer, **ERRORS},
        summary="Add an organization member to a group (owners only)",
        tags=TAGS,
    )
    def post(self, request, org: str, team: str):
        group = _team(_organization(request, org, manage=True), team)
        form = GroupMemberAddSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        field = "member" if form.validated_data.get("member") else "username"
        user = _user(form.validated_data[field], field=field)
        team_member_add(team=group, user=user)
        return Response(GroupMemberSerializer(group_member_data(user)).data, status=status.HTTP_201_CREATED)


class GroupMemberDetailView(ApiView):
    @extend_schema(
        operation_id="org_group_member_remove",
        responses={204: None, **ERRORS},
        summary="Take a member off a group (owners only); they stay in the organization",
        tags=TAGS,
    )
    def delete(self, request, org: str, team: str, username: str):
        group = _team(_organization(request, org, manage=True), team)
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None or not team_member_remove(team=group, user=user):
            raise exceptions.NotFound(f"{username[:150]} is not in group {group.name}")
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupRepositoryListView(ApiView):
    @extend_schema(
        operation_id="org_group_repository_list",
        responses={200: GroupRepositorySerializer(many=True), **READ_ERRORS},
        summary="The repositories a group has a permission on (read, write or admin)",
        tags=TAGS,
    )
    def get(self, request, org: str, team: str):
        group = _team(_organization(request, org), team)
        grants = group.repository_permissions.select_related("repository__namespace").order_by("repository__name")
        return Response(GroupRepositorySerializer([grant_data(g) for g in grants], many=True).data)

    @extend_schema(
        operation_id="org_group_repository_set",
        request=GroupRepositorySetSerializer,
        responses={200: GroupRepositorySerializer, **ERRORS},
        summary="Give the group read, write or admin on one of the organization's repositories (owners only)",
        tags=TAGS,
    )
    def post(self, request, org: str, team: str):
        organization = _organization(request, org, manage=True)
        group = _team(organization, team)
        form = GroupRepositorySetSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        name = form.validated_data["repository"].removeprefix(f"{organization.name}/")
        repository = Repository.objects.select_related("namespace").filter(namespace=organization, name=name).first()
        if repository is None:
            raise exceptions.ValidationError({"repository": [f"{organization.name} has no repository {name[:255]!r}"]})
        grant = team_permission_set(team=group, repository=repository, permission=form.validated_data["permission"])
        return Response(GroupRepositorySerializer(grant_data(grant)).data)


class GroupRepositoryDetailView(ApiView):
    @extend_schema(
        operation_id="org_group_repository_remove",
        responses={204: None, **ERRORS},
        summary="Take the group's permission on a repository away (owners only)",
        tags=TAGS,
    )
    def delete(self, request, org: str, team: str, repository: str):
        organization = _organization(request, org, manage=True)
        group = _team(organization, team)
        name = repository.removesuffix("/")
        grant = group.repository_permissions.filter(repository__name=name).first()
        if grant is None:
            raise exceptions.NotFound(f"group {group.name} has no permission on {repository[:255]}")
        team_permission_set(team=group, repository=grant.repository, permission=None)
        return Response(status=status.HTTP_204_NO_CONTENT)
