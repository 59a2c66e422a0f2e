from images.models.audit import AuditLogEntry
from images.models.catalogue import Category, Namespace, Repository, RepositoryPlatform, Star
from images.models.content import (
    Blob,
    Layer,
    Manifest,
    ManifestBlob,
    ManifestReference,
    RepositoryBlob,
    Tag,
    Upload,
)
from images.models.curation import VerificationRequest
from images.models.mirroring import Mirror
from images.models.security import AffectedPackage, Finding, Package, Vulnerability
from images.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "AffectedPackage",
    "AuditLogEntry",
    "Blob",
    "Category",
    "Finding",
    "Layer",
    "Manifest",
    "ManifestBlob",
    "ManifestReference",
    "Mirror",
    "Namespace",
    "Package",
    "Repository",
    "RepositoryBlob",
    "RepositoryPlatform",
    "Star",
    "Tag",
    "Upload",
    "VerificationRequest",
    "Vulnerability",
    "Webhook",
    "WebhookDelivery",
]
