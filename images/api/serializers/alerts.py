"""Shapes of /v2/alerts/: saved searches, their notices, CVE alert settings and notices."""

from rest_framework import serializers

from images.models import SavedSearch


class SavedSearchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    query = serializers.CharField(allow_blank=True)
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    sort = serializers.CharField()
    mode = serializers.ChoiceField(choices=SavedSearch.Mode.choices)
    email = serializers.BooleanField()
    webhook_url = serializers.CharField(allow_blank=True)
    webhook_secret = serializers.CharField(allow_blank=True, help_text="Signs webhook bodies (X-Hub-Signature-256).")
    active = serializers.BooleanField()
    search_url = serializers.CharField(help_text="The search page showing what this search finds.")
    created_at = serializers.DateTimeField()
    last_checked_at = serializers.DateTimeField(allow_null=True)


class SavedSearchWriteSerializer(serializers.Serializer):
    """A saved search as sent: `filters` by SearchFilters field (trusted, categories, os, architectures ...)."""

    name = serializers.CharField(max_length=100)
    query = serializers.CharField(max_length=200, required=False, allow_blank=True)
    filters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=100), max_length=20), required=False
    )
    sort = serializers.CharField(max_length=16, required=False)
    mode = serializers.ChoiceField(choices=SavedSearch.Mode.choices, required=False)
    email = serializers.BooleanField(required=False)
    webhook_url = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class SavedSearchUpdateSerializer(SavedSearchWriteSerializer):
    name = serializers.CharField(max_length=100, required=False)


class SearchNoticeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="repository (a repository started matching) or tag (a new tag)")
    repository = serializers.CharField()
    tag = serializers.CharField(allow_null=True)
    url = serializers.CharField()
    notified_at = serializers.DateTimeField()
    told = serializers.BooleanField(help_text="False while a daily digest has not gone yet")


class CveAlertSettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    email = serializers.BooleanField()
    webhook_url = serializers.CharField(allow_blank=True)
    webhook_secret = serializers.CharField(allow_blank=True)


class CveAlertSettingsWriteSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    webhook_url = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class CveNoticeSerializer(serializers.Serializer):
    repository = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    digest = serializers.CharField()
    vulnerability = serializers.CharField()
    severity = serializers.CharField()
    package = serializers.CharField()
    notified_at = serializers.DateTimeField()
