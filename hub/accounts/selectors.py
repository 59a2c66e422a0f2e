"""Reads about people for the account pages, the API and the token service."""

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
