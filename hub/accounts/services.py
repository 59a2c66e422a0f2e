"""Writes about people: the only code that creates users and their tokens, and that checks credentials.

Callers (views, the API, management commands, the admin, other services) validate input shape;
these functions check the rules that hold whatever the caller (names, token scopes) and raise
django.core.exceptions.ValidationError when one is broken.

Nothing here imports images: what content does when a user appears (their namespace) or which names
it holds (organizations) is asked through hub.accounts.signals.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hub.accounts import signals
from hub.accounts.models import AVATAR_MAX_BYTES, AccessToken, TokenScope, User
from hub.accounts.names import NameRefused, name_check
from hub.accounts.selectors import access_token_get
from hub.accounts.tokens import ORG_TOKEN_PREFIX, TOKEN_PREFIX, token_new

# --- users ----------------------------------------------------------------------------------------


def user_name_check(name: str) -> str:
    """The namespace name a new account called `name` gets; ValidationError when it may not have it.

    The rules of hub.accounts.names, then no user may hold it (whatever its case), then the apps
    above (images: no organization may hold it) through the user_name_check signal. Signup, the
    admin's add form, user_create and organization_create all ask here; the namespace's unique
    name is the last guard when two ask at once.
    """
    try:
        lowered = name_check(name)
    except NameRefused as refused:
        raise ValidationError(refused.message, code=refused.code) from None
    if User.objects.filter(username__iexact=lowered).exists():
        raise ValidationError(f"{name!r} is already taken", code="taken")
    signals.user_name_check.send(sender=User, name=lowered)
    return lowered


@transaction.atomic
def user_create(*, username: str, password: str | None, email: str = "", is_superuser: bool = False) -> User:
    """Create a user; their namespace (the same name, lowercased) comes with them (User.objects._create_user).

    A password of None makes an account that cannot sign in with one (the admin's "unusable password").
    """
    user_name_check(username)
    if is_superuser:
        return User.objects.create_superuser(username=username, email=email, password=password)
    return User.objects.create_user(username=username, email=email, password=password)


def admin_ensure(*, username: str | None, password: str | None) -> tuple[str, str] | None:
    """Create the first admin when there is none.

    Returns (username, password) when it generated the password, so the caller can show it
    once; it is never written anywhere else.
    """
    if User.objects.filter(is_superuser=True).exists():
        return None
    username = username or "admin"
    generated = not password
    password = password or secrets.token_urlsafe(12)
    user_create(username=username, password=password, is_superuser=True)
    return (username, password) if generated else None


@transaction.atomic
def profile_update(*, user, display_name: str, url: str, email: str | None = None) -> None:
    user.display_name = display_name[:150]
    user.url = url
    fields = ["display_name", "url"]
    if email is not None:
        user.email = email
        fields.append("email")
    user.save(update_fields=fields)
    signals.user_profile_updated.send(sender=User, user=user)  # images shows it on the user's namespace


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


# --- personal access tokens and credentials --------------------------------------------------------
# The registry actions each token scope allows (images.services.authorization names them).
SCOPE_ACTIONS = {
    TokenScope.READ: frozenset({"pull"}),
    TokenScope.READ_WRITE: frozenset({"pull", "push"}),
    TokenScope.READ_WRITE_DELETE: frozenset({"pull", "push", "delete"}),
}
PASSWORD_ACTIONS = frozenset({"pull", "push", "delete"})
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_scope_check(scope: str) -> None:
    if scope not in TokenScope.values:
        raise ValidationError(f"unknown scope {scope!r} (one of {', '.join(TokenScope.values)})", code="invalid_scope")


def last_used_touch(model, pk: int) -> None:
    """Record that a token (personal, or an organization's: any model with last_used_at) was just used."""
    now = timezone.now()
    # At most one write a minute per token: `last used` is for people, not an audit log.
    model.objects.filter(pk=pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)


def access_token_create(*, user, name: str, scope: str, expires_at=None) -> tuple[AccessToken, str]:
    """Create a token; returns it and the clear secret, which is shown once and never stored."""
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r} (one of {', '.join(TokenScope.values)})")
    clear, prefix, hashed = token_new(TOKEN_PREFIX)
    token = AccessToken.objects.create(
        user=user, name=name[:100] or "token", prefix=prefix, token_hash=hashed, scope=scope, expires_at=expires_at
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
    """Check a person's credentials: a password or a personal access token.

    Returns (user, allowed actions, token or None), or None when they are wrong.
    """
    if password.startswith(TOKEN_PREFIX):
        token = access_token_get(secret=password)
        if not access_token_valid(token) or token.user.username.lower() != username.lower():
            return None
        last_used_touch(AccessToken, token.pk)
        return token.user, SCOPE_ACTIONS[token.scope], token
    if password.startswith(ORG_TOKEN_PREFIX):
        return None  # never a person's password (images.services.organizations takes these)
    user = authenticate(username=username, password=password)
    if user is None or not user.is_active:
        return None
    return user, PASSWORD_ACTIONS, None
