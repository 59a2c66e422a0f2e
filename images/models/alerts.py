"""Alerts: saved searches that tell their owner when a new repository or tag matches, and CVE alerts
(an image the user starred, or that one of their organizations publishes, gained a critical or high
finding). Each match is told once: a notice row per (search, repository, tag) and per (user, manifest,
vulnerability), under a unique constraint, is what "already told" means (images/services/alerts.py).
"""

from django.conf import settings
from django.db import models

from images.models.catalogue import Repository
from images.models.content import Manifest
from images.models.security import Vulnerability


class AlertMode(models.TextChoices):
    IMMEDIATE = "immediate", "As they happen"
    DAILY = "daily", "Daily digest"


class SavedSearch(models.Model):
    Mode = AlertMode

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=200, blank=True)
    # The search's filters: images.search.facets.SearchFilters' fields by name, each a list of values.
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=16, default="best")
    mode = models.CharField(max_length=10, choices=AlertMode.choices, default=AlertMode.IMMEDIATE)
    email = models.BooleanField(default=True)
    webhook_url = models.URLField(max_length=1000, blank=True)
    # Signs webhook bodies (X-Hub-Signature-256), as repository webhooks do.
    webhook_secret = models.CharField(max_length=64, blank=True)
    # False once unsubscribed: nothing is computed or sent until it is turned on again.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # What the search matches (as of its last run), the ids of every repository its owner would find, sorted:
    # a run evaluates only the repositories changed since and compares with this (images/alerts.py). None for
    # a search saved before it was kept: its first run evaluates it whole.
    matches = models.JSONField(null=True, blank=True, default=None)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["active", "mode"], name="saved_search_active")]

    def __str__(self):
        return f"{self.name} ({self.user})"


class CveAlertSubscription(models.Model):
    """A user's CVE alerts. On by default: the row is made (enabled) the first time alerts are computed
    for a user who stars a repository or belongs to an organization; findings older than the row are
    never told (they were there before)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cve_alerts")
    enabled = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    webhook_url = models.URLField(max_length=1000, blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"CVE alerts of {self.user}"


class AlertMessage(models.Model):
    """One mail (and/or webhook call) telling a user of some notices."""

    class Kind(models.TextChoices):
        SEARCH = "search", "Saved search"
        DIGEST = "digest", "Daily digest"
        CVE = "cve", "CVE alert"

    class WebhookStatus(models.TextChoices):
        NONE = "", "No webhook"
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_messages")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    saved_search = models.ForeignKey(
        SavedSearch, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    subject = models.CharField(max_length=255)
    emailed = models.BooleanField(default=False)
    webhook_url = models.URLField(max_length=1000, blank=True)
    webhook_body = models.BinaryField(blank=True, default=b"")
    webhook_status = models.CharField(max_length=10, choices=WebhookStatus.choices, blank=True, default="")
    webhook_attempts = models.PositiveSmallIntegerField(default=0)
    webhook_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class SearchNotice(models.Model):
    """A repository (tag "") or a tag that matched a saved search, told once. `message` is empty while a
    daily digest has not gone yet; `baseline` notices are what matched when the search was saved
    (never told: the user saw them)."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Matched when saved"
        REPOSITORY = "repository", "New repository"
        TAG = "tag", "New tag"

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="notices")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    tag = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    message = models.ForeignKey(AlertMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notified_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["saved_search", "repository", "tag"], name="search_notice_once")]


class CveNotice(models.Model):
    """A critical or high finding on an image a user follows, told once."""

    subscription = models.ForeignKey(CveAlertSubscription, on_delete=models.CASCADE, related_name="notices")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="+")
    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="+")
    severity = models.CharField(max_length=10)
    package = models.CharField(max_length=300, blank=True)
    tags = models.CharField(max_length=500, blank=True)
    message = models.ForeignKey(AlertMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notified_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "manifest", "vulnerability"], name="cve_notice_once")
        ]
