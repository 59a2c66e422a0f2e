"""Who did what, when: grants, revocations, visibility changes, deletions."""

from django.conf import settings
from django.db import models

from images.models.catalogue import Namespace


class AuditLogEntry(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Kept as text too, so the entry still says who it was after the account is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    namespace = models.ForeignKey(Namespace, null=True, blank=True, on_delete=models.SET_NULL)
    target_type = models.CharField(max_length=64)
    target = models.CharField(max_length=512)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "audit log entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"
