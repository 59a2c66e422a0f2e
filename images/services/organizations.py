"""Organizations: the only code that writes them, their members, teams and access tokens.

An organization is a Namespace of kind `org`; its name obeys the rules of every account name and
shares their one name space with users (hub.accounts.services.user_name_check). Callers validate
input shape and decide who may call (images.services.authorization); these functions check the rules
that hold whatever the caller (names, roles, the last owner) and raise ValidationError.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.accounts.services import (
    SCOPE_ACTIONS,
    credentials_check,
    last_used_touch,
    token_scope_check,
    user_name_check,
)
from hub.accounts.tokens import ORG_TOKEN_PREFIX, token_hash, token_new
from images.models import (
    Membership,
    Namespace,
    OrganizationAccessToken,
    Repository,
    Role,
    Team,
    TeamMember,
    TeamPermission,
    TeamRepositoryPermission,
)
from images.services.authorization import OrganizationAgent

# --- organizations --------------------------------------------------------------------------------


def _organization(namespace: Namespace) -> Namespace:
    if namespace.kind != Namespace.Kind.ORGANIZATION:
        raise ValidationError(f"{namespace.name!r} is not an organization", code="not_organization")
    return namespace


@transaction.atomic
def organization_create(*, owner, name: str, display_name: str = "", description: str = "", url: str = ""):
    """Create an organization (a namespace of kind `org`) with `owner` as its first owner."""
    # The rules of every account name, and neither a user nor a namespace may hold it already.
    namespace_name = user_name_check(name)
    try:
        with transaction.atomic():
            organization = Namespace.objects.create(
                name=namespace_name,
                kind=Namespace.Kind.ORGANIZATION,
                display_name=display_name[:150],
                description=description,
                url=url,
            )
    except IntegrityError:
        raise ValidationError(f"{name!r} is already taken", code="taken") from None
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization


def organization_update(*, organization: Namespace, display_name: str, description: str, url: str) -> Namespace:
    _organization(organization)
    organization.display_name = display_name[:150]
    organization.description = description
    organization.url = url
    organization.save(update_fields=["display_name", "description", "url"])
    return organization


def _owners_left(organization: Namespace, *, without_user_id: int) -> bool:
    return (
        Membership.objects.filter(organization=organization, role=Role.OWNER).exclude(user_id=without_user_id).exists()
    )


@transaction.atomic
def membership_set(*, organization: Namespace, user, role: str) -> Membership:
    """Add `user` to the organization with `role`, or change their role. An organization always keeps an owner."""
    _organization(organization)
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r} (one of {', '.join(Role.values)})", code="invalid_role")
    if not user.is_active:
        raise ValidationError(f"{user.username!r} is not an active account", code="inactive")
    # Lock the organization's owner rows so two demotions at once cannot leave it without one.
    list(Membership.objects.select_for_update().filter(organization=organization, role=Role.OWNER))
    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is None:
        return Membership.objects.create(organization=organization, user=user, role=role)
    if membership.role == Role.OWNER and role != Role.OWNER and not _owners_left(organization, without_user_id=user.pk):
        raise ValidationError("an organization needs at least one owner", code="last_owner")
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, organization: Namespace, user) -> bool:
    """Remove `user` from the organization and all its teams. Refuses to remove the last owner."""
    _organization(organization)
    list(Membership.objects.select_for_update().filter(organization=organization, role=Role.OWNER))
    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is None:
        return False
    if membership.role == Role.OWNER and not _owners_left(organization, without_user_id=user.pk):
        raise ValidationError("an organization needs at least one owner", code="last_owner")
    TeamMember.objects.filter(team__organization=organization, user=user).delete()
    membership.delete()
    return True


# --- teams ----------------------------------------------------------------------------------------


def team_create(*, organization: Namespace, name: str, description: str = "") -> Team:
    _organization(organization)
    slug = name.strip().lower()
    if not re.fullmatch(r"[a-z0-9]+(?:[._-][a-z0-9]+)*", slug) or len(slug) > 100:
        raise ValidationError("team names are lowercase letters and digits, with single . _ or - between them")
    if Team.objects.filter(organization=organization, name=slug).exists():
        raise ValidationError(f"there is already a team {slug!r}", code="taken")
    return Team.objects.create(organization=organization, name=slug, description=description[:255])


def team_delete(*, team: Team) -> None:
    team.delete()


def team_member_add(*, team: Team, user) -> TeamMember:
    """Add an organization member to one of its teams (only members can be on teams)."""
    if not Membership.objects.filter(organization_id=team.organization_id, user=user).exists():
        raise ValidationError(f"{user.username!r} is not a member of the organization", code="not_member")
    member, _ = TeamMember.objects.get_or_create(team=team, user=user)
    return member


def team_member_remove(*, team: Team, user) -> bool:
    return TeamMember.objects.filter(team=team, user=user).delete()[0] > 0


def team_permission_set(*, team: Team, repository: Repository, permission: str | None):
    """Give the team `permission` (read/write/admin) on one repository of its organization; None takes it away."""
    if repository.namespace_id != team.organization_id:
        raise ValidationError("a team gets permissions on its own organization's repositories", code="other_org")
    if permission is None:
        TeamRepositoryPermission.objects.filter(team=team, repository=repository).delete()
        return None
    if permission not in TeamPermission.values:
        raise ValidationError(f"unknown permission {permission!r} (one of {', '.join(TeamPermission.values)})")
    grant, _ = TeamRepositoryPermission.objects.update_or_create(
        team=team, repository=repository, defaults={"permission": permission}
    )
    return grant


# --- organization access tokens ------------------------------------------------------------------


def org_token_create(
    *, organization: Namespace, created_by, name: str, scope: str, expires_at=None
) -> tuple[OrganizationAccessToken, str]:
    """Create an organization access token; returns it and the clear secret, shown once."""
    _organization(organization)
    token_scope_check(scope)
    clear, prefix, hashed = token_new(ORG_TOKEN_PREFIX)
    token = OrganizationAccessToken.objects.create(
        organization=organization,
        created_by=created_by,
        name=name[:100] or "token",
        prefix=prefix,
        token_hash=hashed,
        scope=scope,
        expires_at=expires_at,
    )
    return token, clear


def org_token_revoke(*, organization: Namespace, token_id: int) -> bool:
    return bool(
        OrganizationAccessToken.objects.filter(pk=token_id, organization=organization, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def org_token_valid(token: OrganizationAccessToken | None) -> bool:
    if token is None or token.revoked_at is not None:
        return False
    if token.organization.kind != Namespace.Kind.ORGANIZATION:
        return False
    return token.expires_at is None or token.expires_at > timezone.now()


def org_token_agent(token: OrganizationAccessToken) -> OrganizationAgent:
    return OrganizationAgent(namespace_id=token.organization_id, username=token.organization.name, token_id=token.pk)


def registry_credentials_check(*, username: str, password: str):
    """`docker login` credentials for the registry's token service: a person's (hub.accounts'
    credentials_check: a password or a personal access token), or an organization access token
    (`docker login -u ORG -p hub_oat_...`), which acts as an OrganizationAgent.
    Returns (user or agent, allowed actions, token or None), or None."""
    if password.startswith(ORG_TOKEN_PREFIX):
        token = (
            OrganizationAccessToken.objects.select_related("organization")
            .filter(token_hash=token_hash(password))
            .first()
        )
        if not org_token_valid(token) or token.organization.name != username.lower():
            return None
        last_used_touch(OrganizationAccessToken, token.pk)
        return org_token_agent(token), SCOPE_ACTIONS[token.scope], token
    return credentials_check(username=username, password=password)


def org_token_refresh_check(token_id: int):
    """(agent, allowed actions) for the organization token behind a refresh token, or None once revoked."""
    token = OrganizationAccessToken.objects.select_related("organization").filter(pk=token_id).first()
    if not org_token_valid(token):
        return None
    return org_token_agent(token), SCOPE_ACTIONS[token.scope]
