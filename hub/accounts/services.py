"""Writes about people. The only code that creates users and their namespaces."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hub.accounts.models import AccessToken
from images.models import Namespace


@transaction.atomic
def user_create(*, username: str, password: str | None, email: str = "", is_superuser: bool = False):
    """Create a user and the namespace of the same name that they push into."""
    from images.services.catalogue import namespace_name_check

    namespace_name_check(username)  # ValidationError for the names the Hub API's /v2/ paths use
    User = get_user_model()
    if is_superuser:
        user = User.objects.create_superuser(username=username, email=email, password=password)
    else:
        user = User.objects.create_user(username=username, email=email, password=password)
    Namespace.objects.create(name=username.lower(), kind=Namespace.Kind.USER, user=user)
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


# --- Personal access tokens -----------------------------------------------------------------------
TOKEN_PREFIX = "hub_pat_"  # noqa: S105 - a marker, not a secret
# The registry actions each token scope allows (images.services.permissions names them).
SCOPE_ACTIONS = {
    AccessToken.Scope.READ: frozenset({"pull"}),
    AccessToken.Scope.READ_WRITE: frozenset({"pull", "push"}),
    AccessToken.Scope.READ_WRITE_DELETE: frozenset({"pull", "push", "delete"}),
}
PASSWORD_ACTIONS = frozenset({"pull", "push", "delete"})
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _token_hash(clear: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (no dictionary to guess from).
    return hashlib.sha256(clear.encode()).hexdigest()


def access_token_create(*, user, name: str, scope: str, expires_at=None) -> tuple[AccessToken, str]:
    """Create a token; returns it and the clear secret, which is shown once and never stored."""
    if scope not in AccessToken.Scope.values:
        raise ValueError(f"unknown scope {scope!r} (one of {', '.join(AccessToken.Scope.values)})")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name[:100] or "token",
        prefix=clear[: len(TOKEN_PREFIX) + 4],
        token_hash=_token_hash(clear),
        scope=scope,
        expires_at=expires_at,
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


def credentials_check(*, username: str, password: str):
    """Check `docker login` credentials: a password or a personal access token.

    Returns (user, allowed actions, token or None), or None when they are wrong.
    """
    if password.startswith(TOKEN_PREFIX):
        token = AccessToken.objects.select_related("user").filter(token_hash=_token_hash(password)).first()
        if not access_token_valid(token) or token.user.username.lower() != username.lower():
            return None
        now = timezone.now()
        # At most one write a minute per token: `last used` is for people, not an audit log.
        AccessToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        return token.user, SCOPE_ACTIONS[token.scope], token
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        return None
    return user, PASSWORD_ACTIONS, None
