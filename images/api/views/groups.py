"""Groups (teams) of an organization: their members and their permissions on the organization's
repositories (Docker Hub's "groups"). The same rule as images/api/views/orgs.py: members read, owners
change, with a credential whose scope allows it."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from hub.accounts.selectors import user_by_name
from images.api.parameters import PAGE
from images.api.schema import operation
from images.api.serializers.common import paginated
from images.api.serializers.people import (
    GroupCreateSerializer,
    GroupMemberAddSerializer,
    GroupMemberSerializer,
    GroupRepositorySerializer,
    GroupRepositorySetSerializer,
    GroupSerializer,
)
from images.api.views.base import ApiView
from images.api.views.orgs import (
    ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    TAGS,
    grant_data,
    group_data,
    group_member_data,
    organization_for,
    team_or_404,
    user_or_400,
)
from images.selectors.organizations import (
    organization_repository_get,
    team_grant_get,
    team_grants,
    team_users,
    teams_by_name,
)
from images.services.organizations import (
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_permission_set,
)


@extend_schema(tags=TAGS)
class GroupListView(ApiView):
    @operation("org_group_list", paginated(GroupSerializer), LIST_ERRORS, parameters=PAGE)
    def get(self, request, org: str):
        """The organization's groups (teams)."""
        teams = teams_by_name(organization=organization_for(request, org))
        return self.page(request, teams, GroupSerializer, lambda page: [group_data(t) for t in page])

    @operation("org_group_create", {201: GroupSerializer}, ERRORS, request=GroupCreateSerializer)
    def post(self, request, org: str):
        """Create a group (owners only)."""
        organization = organization_for(request, org, manage=True)
        values = self.body(request, GroupCreateSerializer)
        team = team_create(organization=organization, **values)
        return Response(GroupSerializer(group_data(team)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class GroupDetailView(ApiView):
    @operation("org_group_get", GroupSerializer, READ_ERRORS)
    def get(self, request, org: str, team: str):
        """One group."""
        return Response(GroupSerializer(group_data(team_or_404(organization_for(request, org), team))).data)

    @operation("org_group_delete", {204: None}, ERRORS)
    def delete(self, request, org: str, team: str):
        """Delete a group, its memberships and its repository permissions (owners only)."""
        team_delete(team=team_or_404(organization_for(request, org, manage=True), team))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class GroupMemberListView(ApiView):
    @operation("org_group_member_list", paginated(GroupMemberSerializer), LIST_ERRORS, parameters=PAGE)
    def get(self, request, org: str, team: str):
        """The members of a group."""
        group = team_or_404(organization_for(request, org), team)
        users = team_users(team=group)
        return self.page(request, users, GroupMemberSerializer, lambda page: [group_member_data(u) for u in page])

    @operation("org_group_member_add", {201: GroupMemberSerializer}, ERRORS, request=GroupMemberAddSerializer)
    def post(self, request, org: str, team: str):
        """Add an organization member to a group (owners only)."""
        group = team_or_404(organization_for(request, org, manage=True), team)
        values = self.body(request, GroupMemberAddSerializer)
        field = "member" if values.get("member") else "username"
        user = user_or_400(values[field], field=field)
        team_member_add(team=group, user=user)
        return Response(GroupMemberSerializer(group_member_data(user)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class GroupMemberDetailView(ApiView):
    @operation("org_group_member_remove", {204: None}, ERRORS)
    def delete(self, request, org: str, team: str, username: str):
        """Take a member off a group (owners only); they stay in the organization."""
        group = team_or_404(organization_for(request, org, manage=True), team)
        user = user_by_name(username=username)
        if user is None or not team_member_remove(team=group, user=user):
            raise exceptions.NotFound(f"{username[:150]} is not in group {group.name}")
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class GroupRepositoryListView(ApiView):
    @operation("org_group_repository_list", GroupRepositorySerializer(many=True), READ_ERRORS)
    def get(self, request, org: str, team: str):
        """The repositories a group has a permission on (read, write or admin)."""
        group = team_or_404(organization_for(request, org), team)
        grants = team_grants(team=group)
        return Response(GroupRepositorySerializer([grant_data(g) for g in grants], many=True).data)

    @operation("org_group_repository_set", GroupRepositorySerializer, ERRORS, request=GroupRepositorySetSerializer)
    def post(self, request, org: str, team: str):
        """Give the group read, write or admin on one of the organization's repositories (owners only)."""
        organization = organization_for(request, org, manage=True)
        group = team_or_404(organization, team)
        values = self.body(request, GroupRepositorySetSerializer)
        name = values["repository"].removeprefix(f"{organization.name}/")
        repository = organization_repository_get(organization=organization, name=name)
        if repository is None:
            raise exceptions.ValidationError({"repository": [f"{organization.name} has no repository {name[:255]!r}"]})
        grant = team_permission_set(team=group, repository=repository, permission=values["permission"])
        return Response(GroupRepositorySerializer(grant_data(grant)).data)


@extend_schema(tags=TAGS)
class GroupRepositoryDetailView(ApiView):
    @operation("org_group_repository_remove", {204: None}, ERRORS)
    def delete(self, request, org: str, team: str, repository: str):
        """Take the group's permission on a repository away (owners only)."""
        organization = organization_for(request, org, manage=True)
        group = team_or_404(organization, team)
        name = repository.removesuffix("/")
        grant = team_grant_get(team=group, repository_name=name)
        if grant is None:
            raise exceptions.NotFound(f"group {group.name} has no permission on {repository[:255]}")
        team_permission_set(team=group, repository=grant.repository, permission=None)
        return Response(status=status.HTTP_204_NO_CONTENT)
