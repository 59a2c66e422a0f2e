"""Webhooks: URLs told about every tag pushed to a repository, and the record of each delivery."""

import uuid

from django.conf import settings
from django.db import models

from images.models.catalogue import Repository
from images.models.choices import DeliveryEvent, DeliveryStatus


class Webhook(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=1000)
    # Signs each body (X-Hub-Signature-256); shown once when set, never again, never logged.
    secret = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.repository})"


class WebhookDelivery(models.Model):
    Status = DeliveryStatus
    Event = DeliveryEvent

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # Names the delivery in its callback_url (Docker Hub's webhook chains), unguessable.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=8, choices=Event.choices, default=Event.PUSH)
    # The exact bytes sent (and signed), so every retry sends the same body.
    body = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # One entry per attempt: {"at": iso time, "status": HTTP status or null, "error": text}.
    history = models.JSONField(default=list, blank=True)
    callback_state = models.CharField(max_length=16, blank=True)
    callback_description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.webhook} {self.event} {self.status}"
