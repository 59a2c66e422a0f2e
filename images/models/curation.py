"""Curation of trusted content: organizations' applications to become Verified Publishers."""

from django.conf import settings
from django.db import models

from images.models.catalogue import Namespace
from images.models.choices import VerificationMethod, VerificationStatus


class VerificationRequest(models.Model):
    """An application with evidence: a website, a contact, and proof of control of the website's domain.

    The proof is a DNS TXT record or a file on the website holding `token`; a worker checks it and
    records the result, then a curator approves (granting Namespace.verified_until) or rejects.
    """

    Method = VerificationMethod
    Status = VerificationStatus

    namespace = models.ForeignKey(Namespace, on_delete=models.CASCADE, related_name="verification_requests")
    website = models.URLField(max_length=500)
    contact_email = models.EmailField()
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.DNS)
    token = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    check_passed = models.BooleanField(null=True, blank=True)
    check_detail = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("curate_trusted_content", "Can review, grant and revoke trusted content")]

    def __str__(self):
        return f"{self.namespace} ({self.get_status_display()})"
