from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hub.accounts.models import AccessToken, User

admin.site.register(User, UserAdmin)


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = ["prefix", "token_hash", "last_used_at"]
