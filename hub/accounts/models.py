"""People: users and their personal access tokens.

Accounts are identity and sit below content: nothing here knows about namespaces, repositories or
organizations (those are images', an organization being a Namespace of kind `org`). What images
must do when a user appears it learns from hub.accounts.signals.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import models as auth_models
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from hub.accounts.names import NAME_RULE, NameRefused, name_check
from hub.accounts.signals import user_created

AVATAR_MAX_BYTES = 256 * 1024


def username_validate(value: str) -> None:
    """Hub's name rules on the username field, so model forms (the admin's) and createsuperuser apply them.

    Only the rules of hub.accounts.names: whether a name is taken is for user_name_check and the
    unique constraints, since this also runs when an existing user is saved.
    """
    try:
        name_check(value)
    except NameRefused as refused:
        raise ValidationError(refused.message, code=refused.code) from None


class UserManager(auth_models.UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        """Every new user row is written here: create_user, create_superuser (so `createsuperuser` and
        pytest-django's admin_user) and hub.accounts.services.user_create.

        It sends user_created in the same transaction, so the user's namespace (made by images' receiver)
        exists exactly when the user does; a taken name is a ValidationError, never an IntegrityError.
        """
        with transaction.atomic(using=self._db):
            try:
                with transaction.atomic(using=self._db):
                    user = super()._create_user(username, email, password, **extra_fields)
            except IntegrityError:
                raise ValidationError(f"{username!r} is already taken", code="taken") from None
            user_created.send(sender=self.model, user=user)
        return user

    async def _acreate_user(self, username, email, password, **extra_fields):
        # The same path as above: Django's async variant would save the row without the signal.
        return await sync_to_async(self._create_user)(username, email, password, **extra_fields)


class User(auth_models.AbstractUser):
    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text=f"Required. Also the user's namespace (docker push HOST/USERNAME/IMAGE): {NAME_RULE}.",
        validators=[username_validate],
        error_messages={"unique": "A user with that username already exists."},
    )
    display_name = models.CharField(max_length=150, blank=True)
    url = models.URLField(blank=True)
    # Avatars are small and few: kept in the database so every web process serves them with no
    # shared media directory (see hub.accounts.views.avatar). Type checked from the bytes on upload.
    avatar = models.BinaryField(blank=True, default=b"", editable=False)
    avatar_content_type = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = UserManager()

    def __str__(self):
        return self.username


class TokenScope(models.TextChoices):
    READ = "read", "Read-only"
    READ_WRITE = "read-write", "Read & write"
    READ_WRITE_DELETE = "read-write-delete", "Read, write & delete"


class TokenRecord(models.Model):
    """What every token Hub issues keeps: hashed at rest, shown once, its first characters kept
    (`prefix`) so people can tell their tokens apart, a scope, an optional expiry, revocation and
    the last use. Personal tokens (below) and organization tokens (images.models.organizations)
    are separate tables of this shape."""

    Scope = TokenScope

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class AccessToken(TokenRecord):
    """A personal access token: the password for `docker login`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    scope = models.CharField(max_length=20, choices=TokenScope.choices, default=TokenScope.READ_WRITE)

    def __str__(self):
        return f"{self.user}:{self.name}"
