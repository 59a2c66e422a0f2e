"""Reads about people for the account pages, the API and the token service."""

from django.db.models import Q
from django.utils import timezone

from hub.accounts.models import AccessToken, User
from hub.accounts.tokens import token_hash


def access_token_list(*, user) -> list[AccessToken]:
    return list(AccessToken.objects.filter(user=user).order_by("-created_at"))


def access_token_get(*, secret: str) -> AccessToken | None:
    """The personal access token whose clear value is `secret` (with its user), or None."""
    return AccessToken.objects.select_related("user").filter(token_hash=token_hash(secret)).first()


def user_avatar_get(*, username: str) -> User | None:
    """An active user's avatar bytes and type (nothing else loaded), or None."""
    return User.objects.filter(username__iexact=username, is_active=True).only("avatar", "avatar_content_type").first()


def user_by_name(*, username: str, active_only: bool = False) -> User | None:
    """The user of that name, whatever its case (names are case-insensitive), or None."""
    users = User.objects.filter(username__iexact=username)
    return (users.filter(is_active=True) if active_only else users).first()


def user_active_get(*, user_id) -> User | None:
    """An active user by id (the `uid` of a token), or None."""
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id is not None else None


def access_token_of(*, user, token_id: int | None) -> AccessToken | None:
    """One of the user's personal access tokens (with its user), or None (also for no id)."""
    return AccessToken.objects.select_related("user").filter(pk=token_id, user=user).first()


def access_tokens_newest_first(*, user):
    """The user's tokens, newest first (a queryset, for the API's pages)."""
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def access_token_active_count(*, user) -> int:
    """Tokens neither revoked nor expired."""
    active = AccessToken.objects.filter(user=user, revoked_at__isnull=True)
    return active.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())).count()


def admin_first() -> User | None:
    """The first superuser (the actor of commands run without --user)."""
    return User.objects.filter(is_superuser=True).order_by("pk").first()
