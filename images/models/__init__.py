from images.models.alerts import AlertMessage, CveAlertSubscription, CveNotice, SavedSearch, SearchNotice
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
from images.models.lineage import ChainPrefix, ImageChain, TagHistory
from images.models.mirroring import Mirror
from images.models.organizations import (
    Membership,
    OrganizationAccessToken,
    Role,
    Team,
    TeamMember,
    TeamPermission,
    TeamRepositoryPermission,
)
from images.models.repository_contents import RepositoryFinding, RepositoryPackage
from images.models.security import AffectedPackage, Finding, Package, Vulnerability, VulnerabilityAlias
from images.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "AffectedPackage",
    "AlertMessage",
    "CveAlertSubscription",
    "CveNotice",
    "AuditLogEntry",
    "Blob",
    "Category",
    "ChainPrefix",
    "Finding",
    "RepositoryFinding",
    "RepositoryPackage",
    "ImageChain",
    "Layer",
    "Manifest",
    "Membership",
    "ManifestBlob",
    "ManifestReference",
    "Mirror",
    "Namespace",
    "OrganizationAccessToken",
    "Package",
    "Repository",
    "RepositoryBlob",
    "RepositoryPlatform",
    "Role",
    "SavedSearch",
    "SearchNotice",
    "Star",
    "Tag",
    "TagHistory",
    "Team",
    "TeamMember",
    "TeamPermission",
    "TeamRepositoryPermission",
    "Upload",
    "VerificationRequest",
    "Vulnerability",
    "VulnerabilityAlias",
    "Webhook",
    "WebhookDelivery",
]
