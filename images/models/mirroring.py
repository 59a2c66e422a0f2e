"""Mirrors: repositories that Hub copies from another registry and keeps in step."""

from django.conf import settings
from django.db import models

from images.models.catalogue import Repository
from images.models.choices import MirrorStatus, MirrorTagFilter


class Mirror(models.Model):
    TagFilter = MirrorTagFilter
    Status = MirrorStatus

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="mirrors")
    # registry host[:port] and repository path upstream, e.g. "registry.example.org" + "ns/name".
    upstream_registry = models.CharField(max_length=255)
    upstream_repository = models.CharField(max_length=255)
    tag_filter_kind = models.CharField(max_length=8, choices=TagFilter.choices, default=TagFilter.ALL)
    tag_filter = models.CharField(max_length=255, blank=True)
    # Credentials for a private upstream. Never logged or shown again after they are set.
    username = models.CharField(max_length=255, blank=True)
    password = models.CharField(max_length=1024, blank=True)
    sync_interval_minutes = models.PositiveIntegerField(default=60)
    enabled = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    status_detail = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    tags_synced = models.PositiveIntegerField(default=0)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "upstream_registry", "upstream_repository"], name="mirror_once"
            )
        ]

    def __str__(self):
        return f"{self.upstream_registry}/{self.upstream_repository} -> {self.repository}"
