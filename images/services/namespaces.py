"""A user's namespace: made with the user, named after them, showing their profile.

Accounts never import images; they send signals (hub.accounts.signals) and images.apps connects
the receivers below. So whatever creates a user (signup, the admin, createsuperuser, ensure_admin,
a test) goes through User.objects._create_user, which sends user_created in its transaction, and
the user gets their namespace or is not created at all.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from images.models import Namespace


def namespace_user_create(*, user) -> Namespace:
    """The namespace of a new user: their username, lowercased. ValidationError when it is taken.

    Names were checked before (hub.accounts.services.user_name_check); the unique name is the guard
    when two accounts of the same name are made at once.
    """
    try:
        with transaction.atomic():
            return Namespace.objects.create(
                name=user.username.lower(),
                kind=Namespace.Kind.USER,
                user=user,
                display_name=user.display_name,
                url=user.url,
            )
    except IntegrityError:
        raise ValidationError(f"{user.username!r} is already taken", code="taken") from None


def namespace_name_free_check(*, name: str) -> None:
    """ValidationError when a namespace (an organization, or the official `library`) holds the name.

    Asked for a new account's name once no user holds it, so any namespace of that name is not theirs.
    """
    if Namespace.objects.filter(name=name).exists():
        raise ValidationError(f"{name!r} is already taken", code="taken")


def namespace_profile_update(*, user) -> None:
    """The user namespace shows its user's display name and URL (the publisher page reads them here)."""
    Namespace.objects.filter(user=user).update(display_name=user.display_name, url=user.url)


# Receivers of hub.accounts.signals (connected in images.apps).


def on_user_created(sender, user, **kwargs):
    namespace_user_create(user=user)


def on_user_name_check(sender, name, **kwargs):
    namespace_name_free_check(name=name)


def on_user_profile_updated(sender, user, **kwargs):
    namespace_profile_update(user=user)
