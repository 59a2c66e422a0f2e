"""Reads about organizations for their pages, the API and commands (everything the template needs, fetched)."""

from django.db.models import Prefetch

from hub.accounts.models import User
from images.models import (
    Membership,
    Namespace,
    OrganizationAccessToken,
    Repository,
    Team,
    TeamMember,
    TeamRepositoryPermission,
)


def organization_get(*, name: str) -> Namespace | None:
    return Namespace.objects.filter(name=name.lower(), kind=Namespace.Kind.ORGANIZATION).first()


def organization_list_for_user(*, user) -> list[Membership]:
    """The user's memberships, with their organizations."""
    return list(Membership.objects.filter(user=user).select_related("organization").order_by("organization__name"))


def membership_list(*, organization: Namespace) -> list[Membership]:
    return list(Membership.objects.filter(organization=organization).select_related("user").order_by("user__username"))


def team_list(*, organization: Namespace) -> list[Team]:
    return list(
        Team.objects.filter(organization=organization)
        .prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("user").order_by("user__username")),
            "repository_permissions__repository",
        )
        .order_by("name")
    )


def team_get(*, organization: Namespace, name: str) -> Team | None:
    teams = [t for t in team_list(organization=organization) if t.name == name]
    return teams[0] if teams else None


def organization_repository_list(*, organization: Namespace) -> list[Repository]:
    """Every repository of the organization, private ones included: only for its own people's pages."""
    return list(Repository.objects.filter(namespace=organization).order_by("name"))


def org_token_list(*, organization: Namespace) -> list[OrganizationAccessToken]:
    return list(
        OrganizationAccessToken.objects.filter(organization=organization)
        .select_related("created_by")
        .order_by("-created_at")
    )


def organization_repository_get(*, organization: Namespace, name: str) -> Repository | None:
    """One of the organization's repositories, private ones included: only for its own people."""
    return Repository.objects.select_related("namespace").filter(namespace=organization, name=name).first()


# --- the Hub API's organization endpoints ------------------------------------------------------------


def team_by_name(*, organization: Namespace, name: str) -> Team | None:
    return Team.objects.filter(organization=organization, name=name.lower()).first()


def membership_get(*, organization: Namespace, username: str) -> Membership | None:
    """The membership of the user of that name (any case), with the user."""
    return (
        Membership.objects.select_related("user")
        .filter(organization=organization, user__username__iexact=username)
        .first()
    )


def membership_exists(*, organization: Namespace, user) -> bool:
    return Membership.objects.filter(organization=organization, user=user).exists()


def memberships_by_name(*, organization: Namespace):
    """Every membership with its user, by username (a queryset, for the API's pages)."""
    return Membership.objects.filter(organization=organization).select_related("user").order_by("user__username")


def organization_counts(*, organization: Namespace) -> tuple[int, int]:
    """(members, teams)."""
    return (
        Membership.objects.filter(organization=organization).count(),
        Team.objects.filter(organization=organization).count(),
    )


def team_names_by_user(*, organization: Namespace, user_ids: list[int]) -> dict[int, list[str]]:
    """The names of the organization's teams each of these users is on, by user id."""
    groups: dict[int, list[str]] = {}
    rows = TeamMember.objects.filter(team__organization=organization, user_id__in=user_ids).order_by("team__name")
    for user_id, team_name in rows.values_list("user_id", "team__name"):
        groups.setdefault(user_id, []).append(team_name)
    return groups


def teams_by_name(*, organization: Namespace):
    """The organization's teams with their members, by name (a queryset, for the API's pages)."""
    return Team.objects.filter(organization=organization).prefetch_related("members").order_by("name")


def team_users(*, team: Team):
    return User.objects.filter(team_memberships__team=team).order_by("username")


def team_grants(*, team: Team) -> list[TeamRepositoryPermission]:
    return list(team.repository_permissions.select_related("repository__namespace").order_by("repository__name"))


def team_grant_get(*, team: Team, repository_name: str) -> TeamRepositoryPermission | None:
    return team.repository_permissions.select_related("repository").filter(repository__name=repository_name).first()
