"""Forms for the account and organization pages: shape and field checks; the rules live in services."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError

from hub.accounts.models import AVATAR_MAX_BYTES, Role, TeamPermission, TokenScope
from hub.accounts.services import account_name_check

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")]


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        account_name_check(username)  # ValidationError: reserved, taken or not a namespace name
        return username.lower()


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


class OrganizationTokenForm(AccessTokenForm):
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ)


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(max_length=30, help_text="The namespace: docker push HOST/NAME/IMAGE")
    display_name = forms.CharField(max_length=150, required=False)

    def clean_name(self):
        return account_name_check(self.cleaned_data["name"])


class OrganizationSettingsForm(forms.Form):
    display_name = forms.CharField(max_length=150, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    url = forms.URLField(required=False, label="URL", assume_scheme="https")


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def clean_username(self):
        user = get_user_model().objects.filter(username__iexact=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise ValidationError("no such user")
        return user


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=255, required=False)


class TeamMemberForm(forms.Form):
    username = forms.CharField(max_length=150)

    def clean_username(self):
        user = get_user_model().objects.filter(username__iexact=self.cleaned_data["username"]).first()
        if user is None:
            raise ValidationError("no such user")
        return user


class TeamPermissionForm(forms.Form):
    repository = forms.CharField(max_length=255, help_text="the repository name within the organization")
    permission = forms.ChoiceField(choices=[*TeamPermission.choices, ("none", "No access")])
