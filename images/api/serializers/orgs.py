"""Organizations, their members and groups (teams)."""

from rest_framework import serializers

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
