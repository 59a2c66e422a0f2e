"""Stars, users, login and personal access tokens."""

from rest_framework import serializers

from hub.accounts.models import AccessToken
from images.api.serializers.common import paginated


class StarSerializer(serializers.Serializer):
    star_count = serializers.IntegerField()
    has_starred = serializers.BooleanField()


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)
    location = serializers.CharField(allow_blank=True)
    company = serializers.CharField(allow_blank=True)
    profile_url = serializers.CharField(allow_blank=True)
    date_joined = serializers.DateTimeField()
    gravatar_url = serializers.CharField(allow_blank=True)
    type = serializers.CharField()


# Docker Hub's token scopes and the Hub scope each one is.
TOKEN_SCOPES = {
    "repo:public_read": AccessToken.Scope.READ,
    "repo:read": AccessToken.Scope.READ,
    "repo:write": AccessToken.Scope.READ_WRITE,
    "repo:admin": AccessToken.Scope.READ_WRITE_DELETE,
}
SCOPE_NAMES = {
    AccessToken.Scope.READ: "repo:read",
    AccessToken.Scope.READ_WRITE: "repo:write",
    AccessToken.Scope.READ_WRITE_DELETE: "repo:admin",
}


class AccessTokenSerializer(serializers.Serializer):
    uuid = serializers.CharField()
    client_id = serializers.CharField()
    creator_ip = serializers.CharField(allow_blank=True)
    creator_ua = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    last_used = serializers.DateTimeField(allow_null=True)
    generated_by = serializers.CharField()
    is_active = serializers.BooleanField()
    token = serializers.CharField(allow_blank=True, help_text="the secret, only in the answer to its creation")
    token_label = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(allow_null=True)


class AccessTokenCreateSerializer(serializers.Serializer):
    token_label = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(TOKEN_SCOPES)), min_length=1, max_length=4
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class AccessTokenUpdateSerializer(serializers.Serializer):
    """Only deactivation: a revoked token stays revoked, and labels are fixed at creation."""

    is_active = serializers.BooleanField()


class PaginatedAccessTokenListSerializer(paginated(AccessTokenSerializer)):
    active_count = serializers.IntegerField()
