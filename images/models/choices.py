"""The vocabularies of the content models: every fixed set of values a column may hold, with its labels.

One module, so the values a page, the API or a filter may show are found in one place; each model
names the ones it uses (`Mirror.Status` is MirrorStatus).
"""

from django.db import models


class TrustedContent(models.TextChoices):
    NONE = "", "None"
    OFFICIAL = "official", "Official Image"
    VERIFIED = "verified", "Verified Publisher"
    SPONSORED = "sponsored", "Sponsored OSS"


class NamespaceKind(models.TextChoices):
    USER = "user", "User"
    ORGANIZATION = "org", "Organization"


class Role(models.TextChoices):
    """An organization member's role; each includes the ones before it."""

    MEMBER = "member", "Member"  # pull every repository of the organization, private ones included
    EDITOR = "editor", "Editor"  # and push, create repositories, edit listings
    OWNER = "owner", "Owner"  # and everything else: delete, members, teams, tokens, settings


class TeamPermission(models.TextChoices):
    READ = "read", "Read"  # pull
    WRITE = "write", "Write"  # pull and push
    ADMIN = "admin", "Admin"  # and delete, listing, visibility and repository settings


class IndexStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    INDEXING = "indexing", "Indexing"
    INDEXED = "indexed", "Indexed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not an image"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    UNKNOWN = "unknown", "Unknown"


class FixState(models.TextChoices):
    """How a finding can be resolved; the values are those of images.indexing.distro."""

    FIXED = "fixed", "Fixed"
    UNFIXED = "unfixed", "No fix yet"
    WONT_FIX = "wont_fix", "Won't fix"


class MirrorTagFilter(models.TextChoices):
    ALL = "all", "All tags"
    GLOB = "glob", "Glob (e.g. 1.*)"
    REGEX = "regex", "Regular expression"


class MirrorStatus(models.TextChoices):
    NEW = "new", "Not synced yet"
    QUEUED = "queued", "Queued"
    SYNCING = "syncing", "Syncing"
    OK = "ok", "In sync"
    FAILED = "failed", "Failed"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class DeliveryEvent(models.TextChoices):
    PUSH = "push", "Push"
    TEST = "test", "Test"


class VerificationMethod(models.TextChoices):
    DNS = "dns", "DNS TXT record"
    HTTP = "http", "File on the website"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REVOKED = "revoked", "Revoked"
    WITHDRAWN = "withdrawn", "Withdrawn"
