"""Writes about people: the only code that creates users, organizations, teams and tokens.

Callers (views, the API, management commands, other services) validate input shape; these
functions check the rules that hold whatever the caller (names, roles, the last owner) and raise
django.core.exceptions.ValidationError when one is broken. Who may call them is decided by the
caller through images.services.permissions.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hub.accounts.models import (
    AVATAR_MAX_BYTES,
    AccessToken,
    Membership,
    OrganizationAccessToken,
    Role,
    Team,
    TeamMember,
    TeamPermission,
    TeamRepositoryPermission,
    TokenScope,
)
from images.models import Namespace, Repository
from images.models.catalogue import NAMESPACE_NAME_RE
from images.services.authorization import OrganizationAgent

# Names no user or organization may take: the Hub API's /v2/ path names (images.services.catalogue),
# the official namespace, and names that would read as the site itself in `docker login -u` and URLs.
SITE_PATH_NAMES = frozenset(
    {"library", "_", "api", "v1", "v2", "token", "login", "logout", "signup", "settings", "static", "media"}
)
NAME_MAX = 30
_NAME_RE = re.compile(rf"^{NAMESPACE_NAME_RE}$")


def account_reserved_names() -> frozenset[str]:
    from images.services.repositories import RESERVED_NAMESPACE_NAMES

    return RESERVED_NAMESPACE_NAMES | SITE_PATH_NAMES


def account_name_check(name: str) -> str:
    """The namespace name for a new user or organization; ValidationError when it cannot be one."""
    lowered = name.lower()
    if len(lowered) < 2 or len(lowered) > NAME_MAX or not _NAME_RE.match(lowered):
        raise ValidationError(
            f"names are 2 to {NAME_MAX} lowercase letters and digits, with single . _ or - between them",
            code="invalid",
        )
    if lowered in account_reserved_names():
        raise ValidationError(f"{name!r} is reserved", code="reserved")
    if (
        Namespace.objects.filter(name=lowered).exists()
        or get_user_model().objects.filter(username__iexact=lowered).exists()
    ):
        raise ValidationError(f"{name!r} is already taken", code="taken")
    return lowered


# --- users ----------------------------------------------------------------------------------------


@transaction.atomic
def user_create(*, username: str, password: str | None, email: str = "", is_superuser: bool = False):
    """Create a user and the namespace of the same name that they push into."""
    namespace_name = account_name_check(username)
    User = get_user_model()
    if is_superuser:
        user = User.objects.create_superuser(username=username, email=email, password=password)
    else:
        user = User.objects.create_user(username=username, email=email, password=password)
    Namespace.objects.create(name=namespace_name, kind=Namespace.Kind.USER, user=user)
    return user


def admin_ensure(*, username: str | None, password: str | None) -> tuple[str, str] | None:
    """Create the first admin when there is none.

    Returns (username, password) when it generated the password, so the caller can show it
    once; it is never written anywhere else.
    """
    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        return None
    username = username or "admin"
    generated = not password
    password = password or secrets.token_urlsafe(12)
    user_create(username=username, password=password, is_superuser=True)
    return (username, password) if generated else None


def profile_update(*, user, display_name: str, url: str, email: str | None = None) -> None:
    user.display_name = display_name[:150]
    user.url = url
    fields = ["display_name", "url"]
    if email is not None:
        user.email = email
        fields.append("email")
    user.save(update_fields=fields)
    Namespace.objects.filter(user=user).update(display_name=user.display_name, url=user.url)


_IMAGE_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]


def avatar_content_type(data: bytes) -> str | None:
    """The image type of `data` from its first bytes (PNG, JPEG, GIF, WebP); None for anything else.

    SVG is refused on purpose: it can carry script.
    """
    for magic, content_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def avatar_set(*, user, data: bytes | None) -> None:
    """Set (or with None/empty, remove) the user's avatar."""
    if not data:
        user.avatar, user.avatar_content_type = b"", ""
    else:
        if len(data) > AVATAR_MAX_BYTES:
            raise ValidationError(f"avatars are at most {AVATAR_MAX_BYTES // 1024} KiB", code="too_large")
        content_type = avatar_content_type(data)
        if content_type is None:
            raise ValidationError("avatars are PNG, JPEG, GIF or WebP images", code="invalid_image")
        user.avatar, user.avatar_content_type = data, content_type
    user.save(update_fields=["avatar", "avatar_content_type"])


# --- organizations --------------------------------------------------------------------------------


def _organization(namespace: Namespace) -> Namespace:
    if namespace.kind != Namespace.Kind.ORGANIZATION:
        raise ValidationError(f"{namespace.name!r} is not an organization", code="not_organization")
    return namespace


@transaction.atomic
def organization_create(*, owner, name: str, display_name: str = "", description: str = "", url: str = ""):
    """Create an organization (a namespace of kind `org`) with `owner` as its first owner."""
    namespace_name = account_name_check(name)
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


# --- access tokens (personal and organization) ----------------------------------------------------
TOKEN_PREFIX = "hub_pat_"  # noqa: S105 - a marker, not a secret
ORG_TOKEN_PREFIX = "hub_oat_"  # noqa: S105 - a marker, not a secret
# The registry actions each token scope allows (images.services.permissions names them).
SCOPE_ACTIONS = {
    TokenScope.READ: frozenset({"pull"}),
    TokenScope.READ_WRITE: frozenset({"pull", "push"}),
    TokenScope.READ_WRITE_DELETE: frozenset({"pull", "push", "delete"}),
}
PASSWORD_ACTIONS = frozenset({"pull", "push", "delete"})
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _token_hash(clear: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(clear.encode()).hexdigest()


def _token_new(prefix: str) -> tuple[str, str, str]:
    """(clear, shown prefix, hash) for a new token."""
    clear = prefix + secrets.token_urlsafe(32)
    return clear, clear[: len(prefix) + 4], _token_hash(clear)


def _scope_check(scope: str) -> None:
    if scope not in TokenScope.values:
        raise ValidationError(f"unknown scope {scope!r} (one of {', '.join(TokenScope.values)})", code="invalid_scope")


def _touch(model, pk: int) -> None:
    now = timezone.now()
    # At most one write a minute per token: `last used` is for people, not an audit log.
    model.objects.filter(pk=pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)


def access_token_create(*, user, name: str, scope: str, expires_at=None) -> tuple[AccessToken, str]:
    """Create a token; returns it and the clear secret, which is shown once and never stored."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r} (one of {', '.join(TokenScope.values)})")
    clear, prefix, token_hash = _token_new(TOKEN_PREFIX)
    token = AccessToken.objects.create(
        user=user, name=name[:100] or "token", prefix=prefix, token_hash=token_hash, scope=scope, expires_at=expires_at
    )
    return token, clear


def access_token_revoke(*, user, token_id: int) -> bool:
    return bool(
        AccessToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def access_token_valid(token: AccessToken | None) -> bool:
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return False
    return token.expires_at is None or token.expires_at > timezone.now()


def org_token_create(
    *, organization: Namespace, created_by, name: str, scope: str, expires_at=None
) -> tuple[OrganizationAccessToken, str]:
    """Create an organization access token; returns it and the clear secret, shown once."""
    _organization(organization)
    _scope_check(scope)
    clear, prefix, token_hash = _token_new(ORG_TOKEN_PREFIX)
    token = OrganizationAccessToken.objects.create(
        organization=organization,
        created_by=created_by,
        name=name[:100] or "token",
        prefix=prefix,
        token_hash=token_hash,
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


def credentials_check(*, username: str, password: str):
    """Check a person's credentials: a password or a personal access token.

    Returns (user, allowed actions, token or None), or None when they are wrong.
    """
    if password.startswith(TOKEN_PREFIX):
        token = AccessToken.objects.select_related("user").filter(token_hash=_token_hash(password)).first()
        if not access_token_valid(token) or token.user.username.lower() != username.lower():
            return None
        _touch(AccessToken, token.pk)
        return token.user, SCOPE_ACTIONS[token.scope], token
    if password.startswith(ORG_TOKEN_PREFIX):
        return None  # never a person's password; registry_credentials_check takes these
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        return None
    return user, PASSWORD_ACTIONS, None


def registry_credentials_check(*, username: str, password: str):
    """`docker login` credentials for the registry's token service: credentials_check, plus
    organization access tokens (`docker login -u ORG -p hub_oat_...`), which act as an
    OrganizationAgent. Returns (user or agent, allowed actions, token or None), or None."""
    if password.startswith(ORG_TOKEN_PREFIX):
        token = (
            OrganizationAccessToken.objects.select_related("organization")
            .filter(token_hash=_token_hash(password))
            .first()
        )
        if not org_token_valid(token) or token.organization.name != username.lower():
            return None
        _touch(OrganizationAccessToken, token.pk)
        return org_token_agent(token), SCOPE_ACTIONS[token.scope], token
    return credentials_check(username=username, password=password)


def org_token_refresh_check(token_id: int):
    """(agent, allowed actions) for the organization token behind a refresh token, or None once revoked."""
    token = OrganizationAccessToken.objects.select_related("organization").filter(pk=token_id).first()
    if not org_token_valid(token):
        return None
    return org_token_agent(token), SCOPE_ACTIONS[token.scope]
