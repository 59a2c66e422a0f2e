"""Repositories, tags, images (layers, packages, vulnerabilities): Docker Hub's field names."""

from rest_framework import serializers

from images.api.serializers.common import CategorySerializer
from images.models.catalogue import FULL_DESCRIPTION_MAX, SHORT_DESCRIPTION_MAX


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
