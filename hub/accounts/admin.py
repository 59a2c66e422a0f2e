from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from hub.accounts.forms import UserAddForm
from hub.accounts.models import AccessToken, User

TOKEN_COLUMNS = ["name", "prefix", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # A new user was written by UserAddForm.save() through user_create (with their namespace).


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", *TOKEN_COLUMNS[1:]]
    readonly_fields = ["prefix", "token_hash", "last_used_at"]
