"""Repositories, tags, images (layers, packages, vulnerabilities), search answers, mirrors and
webhooks: Docker Hub's field names."""

from rest_framework import serializers

from images.api.serializers.common import CategorySerializer, LabelledValueSerializer
from images.api.serializers.lineage import LineageSerializer
from images.models.catalogue import FULL_DESCRIPTION_MAX, SHORT_DESCRIPTION_MAX
from images.models.choices import FixState


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
    used_as_base_by = serializers.IntegerField(
        help_text="tagged images of other repositories you may see built on this one's"
    )


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


class PackageSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    purl = serializers.CharField()
    source_name = serializers.CharField(allow_blank=True)
    source_version = serializers.CharField(allow_blank=True)
    arch = serializers.CharField(allow_blank=True)
    licenses = serializers.ListField(
        child=serializers.CharField(),
        help_text="declared licences: SPDX expressions where the package's metadata allows, else as written",
    )
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
    known_aliases = serializers.ListField(child=serializers.CharField(), help_text="the CVE and GHSA ids among aliases")
    summary = serializers.CharField(allow_blank=True)
    severity = serializers.CharField()
    severity_source = serializers.CharField(
        allow_blank=True,
        help_text='where severity comes from: "CVSS 3.1 vector", "GitHub database_specific", "via alias ..."',
    )
    cvss_score = serializers.FloatField(allow_null=True)
    cvss_vector = serializers.CharField(allow_blank=True)
    fixed_version = serializers.CharField(allow_blank=True)
    fix_state = serializers.ChoiceField(
        choices=FixState.choices, help_text="fixed, unfixed (no fix yet) or wont_fix (the distribution will not fix it)"
    )
    published = serializers.DateTimeField(allow_null=True)
    package = FindingPackageSerializer()


class ImageDetailSerializer(ImageSerializer):
    media_type = serializers.CharField()
    os_name = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField(allow_null=True)
    package_count = serializers.IntegerField()
    vulnerabilities = serializers.DictField(child=serializers.IntegerField(), help_text="finding counts by severity")
    lineage = LineageSerializer(help_text="the base image, for you, and whether its tag has moved on")


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


class PostureSerializer(serializers.Serializer):
    """The latest tag's findings (distinct advisories); counts are null while none of its images is scanned."""

    critical = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True)
    medium = serializers.IntegerField(allow_null=True)
    low = serializers.IntegerField(allow_null=True)
    unknown = serializers.IntegerField(allow_null=True)
    fixable_critical_high = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    last_scanned_at = serializers.DateTimeField(allow_null=True)
    has_sbom = serializers.BooleanField()


class ContentMatchSerializer(serializers.Serializer):
    """What made a result match a package or advisory term: a tag's image and the package (and finding) in it."""

    tag = serializers.CharField()
    digest = serializers.CharField(help_text="The platform image (manifest) that holds the package.")
    type = serializers.CharField(help_text="purl type: deb, apk, rpm, pypi, npm, golang ...")
    name = serializers.CharField()
    version = serializers.CharField()
    advisory = serializers.CharField(allow_blank=True, help_text="For cve:/ghsa:/osv:/severity:/fixable: terms.")
    severity = serializers.CharField(allow_blank=True)
    fixed_version = serializers.CharField(allow_blank=True)
    url = serializers.CharField(help_text="The image page, filtered to this package or finding.")


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
    posture = PostureSerializer()
    matches = ContentMatchSerializer(
        many=True, help_text="For a query with pkg:, cve: ... terms: what matched, by tag (at most 10)."
    )


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
    posture = FacetValueSerializer(many=True)
    base_images = FacetValueSerializer(many=True, help_text="Readable repositories the results are built on.")


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
