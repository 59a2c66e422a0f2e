from django.contrib import admin

from images.models import AuditLogEntry, Category, Manifest, Namespace, Repository, Tag, Vulnerability


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
    list_display = ["osv_id", "severity", "modified"]
    search_fields = ["osv_id", "aliases"]


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "action", "target"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditLogEntry._meta.fields]
