from django.contrib import admin

from images.models import (
    AuditLogEntry,
    Category,
    Manifest,
    Membership,
    Namespace,
    OrganizationAccessToken,
    Repository,
    Tag,
    Team,
    TeamMember,
    TeamRepositoryPermission,
    Vulnerability,
)


@admin.register(Namespace)
class NamespaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "user", "verified_until", "sponsored_until"]
    search_fields = ["name"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_private", "is_official", "trusted_content", "pull_count", "last_pushed_at"]
    list_filter = ["is_private", "is_official", "trusted_content"]
    search_fields = ["name", "namespace__name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Manifest)
class ManifestAdmin(admin.ModelAdmin):
    list_display = ["repository", "digest", "media_type", "index_status", "pushed_at"]
    list_filter = ["index_status"]
    exclude = ["content"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["repository", "name", "pushed_at"]


@admin.register(Vulnerability)
class VulnerabilityAdmin(admin.ModelAdmin):
    list_display = ["osv_id", "severity", "severity_source", "modified"]
    search_fields = ["osv_id", "aliases"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "target"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditLogEntry._meta.fields]


# Organizations (images.models.organizations): their members, teams and tokens.
TOKEN_COLUMNS = ["prefix", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]


@admin.register(OrganizationAccessToken)
class OrganizationAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "created_by", *TOKEN_COLUMNS]
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
