"""Forms for the account pages and the admin: shape and field checks; the rules live in services."""

from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from hub.accounts.models import AVATAR_MAX_BYTES, TokenScope, User
from hub.accounts.services import user_create, user_name_check

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_username(self):
        # ValidationError: not a namespace name, reserved, or taken by a user or an organization.
        return user_name_check(self.cleaned_data["username"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=150, required=False)
    url = forms.URLField(required=False, label="URL", assume_scheme="https")
    email = forms.EmailField(required=False)
    avatar = forms.FileField(required=False, help_text="PNG, JPEG, GIF or WebP, at most 256 KiB")
    avatar_remove = forms.BooleanField(required=False, label="Remove avatar")

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if upload is None:
            return None
        if upload.size > AVATAR_MAX_BYTES:
            raise ValidationError(f"avatars are at most {AVATAR_MAX_BYTES // 1024} KiB")
        return upload.read()


class AccessTokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="Description")
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ_WRITE)
    expires_in_days = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, initial="90", label="Expires")

    def expires_at(self):
        """When the new token expires (None: never), from a valid form."""
        days = self.cleaned_data["expires_in_days"]
        return timezone.now() + timedelta(days=int(days)) if days else None


class UserAddForm(AdminUserCreationForm):
    """The admin's Users → Add: Hub's name rules (the username field's help text says them), and the
    user is written by user_create, so they get their namespace as from any other entry."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)

    def clean_username(self):
        return user_name_check(self.cleaned_data["username"])

    def save(self, commit=True):
        # Written now whatever `commit` says: the one service makes the user and their namespace together.
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        self.instance = user_create(username=self.cleaned_data["username"], password=password)
        self.save_m2m = self._save_m2m  # the admin calls it; the add form has no many-to-many fields
        return self.instance
