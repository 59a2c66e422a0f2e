"""Shapes of the advisory API: one stored OSV record, its affected ranges, and the visible images it affects."""

from rest_framework import serializers


class EventSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="introduced, fixed, last_affected or limit")
    version = serializers.CharField()


class RangeSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="ECOSYSTEM, SEMVER or GIT")
    events = EventSerializer(many=True)


class AffectedSerializer(serializers.Serializer):
    ecosystem = serializers.CharField()
    name = serializers.CharField()
    purl = serializers.CharField(allow_blank=True)
    ranges = RangeSerializer(many=True)
    versions = serializers.ListField(child=serializers.CharField())


class ReferenceSerializer(serializers.Serializer):
    type = serializers.CharField()
    url = serializers.CharField()


class AffectedImageSerializer(serializers.Serializer):
    repository = serializers.CharField(help_text="namespace/name")
    tag = serializers.CharField()
    digest = serializers.CharField(help_text="the platform image's digest")
    platform = serializers.CharField(allow_blank=True)
    package = serializers.CharField()
    version = serializers.CharField()
    fixed_version = serializers.CharField(allow_blank=True)


class AdvisorySerializer(serializers.Serializer):
    id = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    also_stored_as = serializers.ListField(
        child=serializers.CharField(), help_text="other stored records that share the id asked for"
    )
    summary = serializers.CharField(allow_blank=True)
    details = serializers.CharField(allow_blank=True, help_text="Markdown, as the record writes it")
    severity = serializers.CharField()
    severity_source = serializers.CharField(allow_blank=True)
    cvss_score = serializers.FloatField(allow_null=True)
    cvss_vector = serializers.CharField(allow_blank=True)
    published = serializers.DateTimeField(allow_null=True)
    modified = serializers.DateTimeField(allow_null=True)
    affected = AffectedSerializer(many=True)
    references = ReferenceSerializer(many=True)
    images = AffectedImageSerializer(many=True, help_text="tags with a finding of it, in repositories you may read")
