"""Organizations: who belongs to one and with what rights, and the organization's own access tokens.

An organization *is* a Namespace of kind `org` (catalogue.py): it already carries the name, display
name, description and URL, and repositories hang off it. These rows add its members, teams and
tokens; images.services.authorization turns them into allowed actions. They are content, beside the
repositories they give rights on; the people they name are hub.accounts' users.

Until migration 0015 these were models of hub.accounts (tables accounts_*); the rows were kept.
"""

from django.conf import settings
from django.db import models

from hub.accounts.models import TokenRecord, TokenScope
from images.models.choices import Role, TeamPermission

ROLE_RANK = {Role.MEMBER: 1, Role.EDITOR: 2, Role.OWNER: 3}


class Membership(models.Model):
    organization = models.ForeignKey("images.Namespace", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_once")]
        ordering = ["organization__name", "user__username"]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.role})"


class Team(models.Model):
    organization = models.ForeignKey("images.Namespace", on_delete=models.CASCADE, related_name="teams")
    name = models.SlugField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")]
        ordering = ["organization__name", "name"]

    def __str__(self):
        return f"{self.organization}/{self.name}"


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]

    def __str__(self):
        return f"{self.user} in {self.team}"


class TeamRepositoryPermission(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="repository_permissions")
    repository = models.ForeignKey("images.Repository", on_delete=models.CASCADE, related_name="team_permissions")
    permission = models.CharField(max_length=8, choices=TeamPermission.choices, default=TeamPermission.READ)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "repository"], name="team_repository_permission_once")]

    def __str__(self):
        return f"{self.team} {self.permission} {self.repository_id}"


class OrganizationAccessToken(TokenRecord):
    """An organization's token: `docker login -u ORG` with it acts for the organization, within it only.

    A separate table (and prefix, `hub_oat_`) from personal tokens, so code that knows only personal
    tokens can never mistake one for a person's credentials.
    """

    organization = models.ForeignKey("images.Namespace", on_delete=models.CASCADE, related_name="access_tokens")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.CharField(max_length=20, choices=TokenScope.choices, default=TokenScope.READ)

    def __str__(self):
        return f"{self.organization}:{self.name}"
