"""Mirrors and webhooks of a repository."""

from rest_framework import serializers


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
