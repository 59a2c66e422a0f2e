from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hub.accounts.models import (
    AccessToken,
    Membership,
    OrganizationAccessToken,
    Team,
    TeamMember,
    TeamRepositoryPermission,
    User,
)

admin.site.register(User, UserAdmin)

TOKEN_COLUMNS = ["name", "prefix", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", *TOKEN_COLUMNS[1:]]
    readonly_fields = ["prefix", "token_hash", "last_used_at"]


@admin.register(OrganizationAccessToken)
class OrganizationAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "created_by", *TOKEN_COLUMNS[1:]]
    readonly_fields = ["prefix", "token_hash", "last_used_at", "created_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["organization__name", "user__username"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


class TeamRepositoryPermissionInline(admin.TabularInline):
    model = TeamRepositoryPermission
    extra = 0
    raw_id_fields = ["repository"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["organization", "name", "description"]
    search_fields = ["organization__name", "name"]
    inlines = [TeamMemberInline, TeamRepositoryPermissionInline]
