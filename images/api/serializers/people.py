"""Users, stars, login, personal access tokens; organizations with their members and groups (teams)."""

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


ROLES = ["member", "editor", "owner"]
TEAM_PERMISSIONS = ["read", "write", "admin"]


class OrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    orgname = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)
    company = serializers.CharField(allow_blank=True)
    location = serializers.CharField(allow_blank=True)
    profile_url = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    date_joined = serializers.DateTimeField()
    gravatar_url = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    badge = serializers.CharField(help_text="verified_publisher, open_source or none")
    user_role = serializers.CharField(help_text="the caller's role: member, editor or owner")
    member_count = serializers.IntegerField()
    org_groups_count = serializers.IntegerField()


class OrgMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    role = serializers.ChoiceField(choices=ROLES)
    groups = serializers.ListField(child=serializers.CharField(), help_text="names of the teams they are on")
    date_joined = serializers.DateTimeField(help_text="when they joined the organization")


class OrgMemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=ROLES, default="member")


class OrgMemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ROLES)


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    member_count = serializers.IntegerField()


class GroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class GroupMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)


class GroupMemberAddSerializer(serializers.Serializer):
    """Docker Hub sends `member`; `username` (as on /members/) is taken too."""

    member = serializers.CharField(max_length=150, required=False)
    username = serializers.CharField(max_length=150, required=False)

    def validate(self, data):
        if not data.get("member") and not data.get("username"):
            raise serializers.ValidationError({"member": ["the username of an organization member"]})
        return data


class GroupRepositorySerializer(serializers.Serializer):
    namespace = serializers.CharField()
    repository = serializers.CharField(help_text="the repository's name within the organization")
    permission = serializers.ChoiceField(choices=TEAM_PERMISSIONS)


class GroupRepositorySetSerializer(serializers.Serializer):
    repository = serializers.CharField(max_length=255)
    permission = serializers.ChoiceField(choices=TEAM_PERMISSIONS)
