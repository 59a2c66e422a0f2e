"""People: users and their personal access tokens (organizations and teams build on these)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)
    url = models.URLField(blank=True)

    def __str__(self):
        return self.username


class AccessToken(models.Model):
    """A personal access token: the password for `docker login`, hashed at rest.

    The clear token is shown once; the first characters are kept (`prefix`) so people can tell
    their tokens apart in the list.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read-only"
        READ_WRITE = "read-write", "Read & write"
        READ_WRITE_DELETE = "read-write-delete", "Read, write & delete"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=128, unique=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.READ_WRITE)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user}:{self.name}"
