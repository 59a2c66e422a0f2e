"""Reads about organizations for their pages, the API and commands (everything the template needs, fetched)."""

from django.db.models import Prefetch

from images.models import Membership, Namespace, OrganizationAccessToken, Repository, Team, TeamMember


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
    return Repository.objects.filter(namespace=organization, name=name).first()
