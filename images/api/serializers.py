"""Hub API v2 shapes: Docker Hub's field names, so scripts written for Docker Hub read Hub's answers.

Views build plain dicts (images/api/views/*) and every response goes through one of these, so the
OpenAPI schema drf-spectacular writes from them is exactly what is sent.
"""

from rest_framework import serializers

from hub.accounts.models import AccessToken
from images.models.catalogue import FULL_DESCRIPTION_MAX, SHORT_DESCRIPTION_MAX

# --- shared ------------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    message = serializers.CharField()
    errinfo = serializers.DictField(required=False)


class CategorySerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class LabelledValueSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


# --- repositories ------------------------------------------------------------------------------------


class RepositorySerializer(serializers.Serializer):
    user = serializers.CharField()
    name = serializers.CharField()
    namespace = serializers.CharField()
    repository_type = serializers.CharField()
    status = serializers.IntegerField()
    status_description = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    is_private = serializers.BooleanField()
    is_automated = serializers.BooleanField()
    is_official = serializers.BooleanField()
    badge = serializers.CharField(help_text="official, verified_publisher, open_source or none")
    star_count = serializers.IntegerField()
    pull_count = serializers.IntegerField()
    last_updated = serializers.DateTimeField(allow_null=True)
    last_modified = serializers.DateTimeField()
    date_registered = serializers.DateTimeField()
    affiliation = serializers.CharField(allow_null=True)
    hub_user = serializers.CharField()
    categories = CategorySerializer(many=True)


class PermissionsSerializer(serializers.Serializer):
    read = serializers.BooleanField()
    write = serializers.BooleanField()
    admin = serializers.BooleanField()


class RepositoryDetailSerializer(RepositorySerializer):
    full_description = serializers.CharField(allow_blank=True)
    has_starred = serializers.BooleanField()
    permissions = PermissionsSerializer()
    collaborator_count = serializers.IntegerField()
    media_types = serializers.ListField(child=serializers.CharField())
    content_types = serializers.ListField(child=serializers.CharField())


class RepositoryWriteSerializer(serializers.Serializer):
    """Body of create (name required; namespace when the path has none) and of PATCH (every field optional)."""

    namespace = serializers.CharField(required=False, max_length=255)
    name = serializers.CharField(required=False, max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, max_length=SHORT_DESCRIPTION_MAX)
    full_description = serializers.CharField(required=False, allow_blank=True, max_length=FULL_DESCRIPTION_MAX)
    is_private = serializers.BooleanField(required=False)
    categories = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=3, help_text="category slugs"
    )


# --- tags and images ---------------------------------------------------------------------------------


class LayerSerializer(serializers.Serializer):
    digest = serializers.CharField(allow_null=True)
    size = serializers.IntegerField()
    instruction = serializers.CharField(allow_blank=True)


class ImageSerializer(serializers.Serializer):
    architecture = serializers.CharField(allow_blank=True)
    features = serializers.CharField(allow_blank=True)
    variant = serializers.CharField(allow_null=True)
    digest = serializers.CharField()
    os = serializers.CharField(allow_blank=True)
    os_features = serializers.CharField(allow_blank=True)
    os_version = serializers.CharField(allow_null=True)
    size = serializers.IntegerField()
    status = serializers.CharField()
    last_pulled = serializers.DateTimeField(allow_null=True)
    last_pushed = serializers.DateTimeField(allow_null=True)
    index_status = serializers.CharField(help_text="pending, queued, indexing, indexed, failed or skipped")
    layers = LayerSerializer(many=True)


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    repository = serializers.IntegerField()
    creator = serializers.IntegerField(allow_null=True)
    last_updater = serializers.IntegerField(allow_null=True)
    last_updater_username = serializers.CharField(allow_blank=True)
    last_updated = serializers.DateTimeField()
    tag_last_pushed = serializers.DateTimeField()
    tag_last_pulled = serializers.DateTimeField(allow_null=True)
    tag_status = serializers.CharField()
    v2 = serializers.BooleanField()
    digest = serializers.CharField()
    media_type = serializers.CharField()
    content_type = serializers.CharField()
    full_size = serializers.IntegerField()
    images = ImageSerializer(many=True)


# --- packages, vulnerabilities -----------------------------------------------------------------------


class PackageSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    purl = serializers.CharField()
    source_name = serializers.CharField(allow_blank=True)
    source_version = serializers.CharField(allow_blank=True)
    arch = serializers.CharField(allow_blank=True)
    licenses = serializers.ListField(child=serializers.CharField())
    path = serializers.CharField(allow_blank=True)
    layer_digest = serializers.CharField(allow_null=True)
    layer_instruction = serializers.CharField(allow_null=True)


class FindingPackageSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    purl = serializers.CharField()


class VulnerabilitySerializer(serializers.Serializer):
    id = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField(allow_blank=True)
    severity = serializers.CharField()
    cvss_score = serializers.FloatField(allow_null=True)
    cvss_vector = serializers.CharField(allow_blank=True)
    fixed_version = serializers.CharField(allow_blank=True)
    published = serializers.DateTimeField(allow_null=True)
    package = FindingPackageSerializer()


class ImageDetailSerializer(ImageSerializer):
    media_type = serializers.CharField()
    os_name = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField(allow_null=True)
    package_count = serializers.IntegerField()
    vulnerabilities = serializers.DictField(child=serializers.IntegerField(), help_text="finding counts by severity")


# --- search ------------------------------------------------------------------------------------------


class V1SearchResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    star_count = serializers.IntegerField()
    is_official = serializers.BooleanField()
    is_automated = serializers.BooleanField()
    is_trusted = serializers.BooleanField()


class V1SearchSerializer(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    num_results = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = V1SearchResultSerializer(many=True)


class SearchRepositorySerializer(serializers.Serializer):
    """An item of GET /v2/search/repositories/ (Docker Hub's classic search)."""

    repo_name = serializers.CharField()
    short_description = serializers.CharField(allow_blank=True)
    star_count = serializers.IntegerField()
    pull_count = serializers.IntegerField()
    repo_owner = serializers.CharField()
    is_automated = serializers.BooleanField()
    is_official = serializers.BooleanField()


class PublisherSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class CatalogResultSerializer(serializers.Serializer):
    """An item of GET /v2/search/catalog/ (Docker Hub's catalog search, api/search/v3)."""

    id = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()
    type = serializers.CharField()
    publisher = PublisherSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(allow_null=True)
    short_description = serializers.CharField(allow_blank=True)
    badge = serializers.CharField()
    star_count = serializers.IntegerField()
    pull_count = serializers.IntegerField()
    operating_systems = LabelledValueSerializer(many=True)
    architectures = LabelledValueSerializer(many=True)
    categories = CategorySerializer(many=True)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    badges = FacetValueSerializer(many=True)
    categories = FacetValueSerializer(many=True)
    operating_systems = FacetValueSerializer(many=True)
    architectures = FacetValueSerializer(many=True)


class CatalogSearchSerializer(serializers.Serializer):
    total = serializers.IntegerField(
        help_text="How many repositories match, counted up to the count cap (HUB_SEARCH_COUNT_CAP, 1,000 by default)."
    )
    total_is_approximate = serializers.BooleanField(
        help_text="More repositories match than `total` (the cap); the facet counts are then those of the first "
        "`total` matches found, not of all of them."
    )
    results = CatalogResultSerializer(many=True)
    facets = FacetsSerializer()


# --- stars, users, login, access tokens --------------------------------------------------------------


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


# --- pagination envelopes ----------------------------------------------------------------------------

_PAGES: dict[type, type] = {}


def paginated(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Docker Hub's page of `item`s: {count, next, previous, results} (images/api/pagination.py)."""
    if item not in _PAGES:
        name = "Paginated" + item.__name__.removesuffix("Serializer") + "List"
        _PAGES[item] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
                "__module__": __name__,
            },
        )
    return _PAGES[item]


class PaginatedAccessTokenListSerializer(paginated(AccessTokenSerializer)):
    active_count = serializers.IntegerField()


# --- mirrors -----------------------------------------------------------------------------------------


class MirrorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    upstream = serializers.CharField(help_text="registry/path of the mirrored repository")
    tag_filter_kind = serializers.ChoiceField(choices=["all", "glob", "regex"])
    tag_filter = serializers.CharField(allow_blank=True)
    has_credentials = serializers.BooleanField()
    sync_interval_minutes = serializers.IntegerField()
    enabled = serializers.BooleanField()
    status = serializers.CharField()
    status_detail = serializers.CharField(allow_blank=True)
    progress = serializers.IntegerField()
    tags_synced = serializers.IntegerField()
    last_synced_at = serializers.DateTimeField(allow_null=True)


class MirrorCreateSerializer(serializers.Serializer):
    upstream = serializers.CharField(max_length=500, help_text="e.g. registry.example.org/team/app[:tag]")
    tag_filter_kind = serializers.ChoiceField(choices=["all", "glob", "regex"], default="all")
    tag_filter = serializers.CharField(max_length=255, allow_blank=True, default="")
    username = serializers.CharField(max_length=255, allow_blank=True, default="")
    password = serializers.CharField(max_length=1024, allow_blank=True, default="", write_only=True)
    sync_interval_minutes = serializers.IntegerField(min_value=5, max_value=10080, default=60)


# --- webhooks ----------------------------------------------------------------------------------------


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()
    hook_url = serializers.CharField(help_text="the same as url (Docker Hub's name for it)")
    active = serializers.BooleanField()
    creator = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="signs each body (X-Hub-Signature-256); only in this answer, never again")


class WebhookCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=1000, help_text="an http:// or https:// URL")
    secret = serializers.CharField(
        max_length=255, required=False, allow_blank=True, write_only=True, help_text="generated when left out"
    )


class WebhookAttemptSerializer(serializers.Serializer):
    at = serializers.CharField()
    status = serializers.IntegerField(allow_null=True, help_text="the receiver's HTTP status; null when none came")
    error = serializers.CharField(allow_blank=True)


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    uuid = serializers.CharField()
    event = serializers.ChoiceField(choices=["push", "test"])
    status = serializers.ChoiceField(choices=["pending", "retrying", "delivered", "failed"])
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(allow_null=True, help_text="HTTP status of the last attempt")
    error = serializers.CharField(allow_blank=True)
    history = WebhookAttemptSerializer(many=True)
    callback_state = serializers.CharField(allow_blank=True)
    callback_description = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)


# --- organizations -----------------------------------------------------------------------------------

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
