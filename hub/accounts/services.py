"""Writes about people. The only code that creates users and their namespaces."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from images.models import Namespace


@transaction.atomic
def user_create(*, username: str, password: str | None, email: str = "", is_superuser: bool = False):
    """Create a user and the namespace of the same name that they push into."""
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
