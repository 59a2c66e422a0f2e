"""Registry content: blobs, uploads, manifests (byte-for-byte), tags, and the layers the indexer derives."""

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from images.models.catalogue import Repository
from images.models.choices import IndexStatus


class Blob(models.Model):
    """A verified, content-addressed blob; its bytes live in blob storage (images/storage.py)."""

    digest = models.CharField(max_length=150, unique=True)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Last time a push uploaded or mounted it: garbage collection spares blobs touched within its
    # grace period, so a push whose manifest is still to come keeps its layers.
    touched_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.digest


class RepositoryBlob(models.Model):
    """A blob is readable through a repository only once linked to it (pushed, mounted or mirrored)."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="blob_links")
    blob = models.ForeignKey(Blob, on_delete=models.CASCADE, related_name="repository_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repository", "blob"], name="repository_blob_once")]


class Upload(models.Model):
    """An upload session. Its state is here and in storage, so any web process can take the next chunk."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="uploads")
    size = models.PositiveBigIntegerField(default=0)
    # Storage names of the chunk objects, in order (images/storage.py); a chunk is committed by a
    # conditional UPDATE on `size`, so two processes can never both append at the same offset.
    chunks = models.JSONField(default=list)
    # "<algorithm>:<hex>" of all bytes so far when they arrived as one chunk hashed on the way in,
    # so finishing the usual POST/PATCH/PUT upload needs no second read; empty otherwise.
    digest = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class Manifest(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="manifests")
    digest = models.CharField(max_length=150)
    media_type = models.CharField(max_length=255)
    artifact_type = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField()
    # Exactly the bytes that were pushed: the digest is over these.
    content = models.BinaryField()
    config_digest = models.CharField(max_length=150, blank=True)
    subject_digest = models.CharField(max_length=150, blank=True, db_index=True)
    is_index = models.BooleanField(default=False)
    pushed_at = models.DateTimeField(auto_now_add=True)
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    # Derived by the indexer from the config and layers.
    os = models.CharField(max_length=64, blank=True)
    architecture = models.CharField(max_length=64, blank=True)
    variant = models.CharField(max_length=64, blank=True)
    os_name = models.CharField(max_length=255, blank=True)
    os_ecosystem = models.CharField(max_length=64, blank=True)
    image_created_at = models.DateTimeField(null=True, blank=True)
    compressed_size = models.PositiveBigIntegerField(null=True, blank=True)
    uncompressed_size = models.PositiveBigIntegerField(null=True, blank=True)
    index_status = models.CharField(max_length=10, choices=IndexStatus.choices, default=IndexStatus.PENDING)
    index_error = models.TextField(blank=True)
    index_progress = models.PositiveSmallIntegerField(default=0)
    index_started_at = models.DateTimeField(null=True, blank=True)
    # Written while a worker indexes: a claim whose heartbeat is older than the lease is abandoned
    # (the worker died) and may be taken over.
    index_heartbeat_at = models.DateTimeField(null=True, blank=True)
    indexed_at = models.DateTimeField(null=True, blank=True)
    # When this image's findings were last computed (indexing, or an advisory import that touched its packages).
    findings_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repository", "digest"], name="manifest_unique_digest")]
        indexes = [models.Index(fields=["repository", "subject_digest"], name="manifest_referrers")]

    def __str__(self):
        return f"{self.repository}@{self.digest}"


class ManifestReference(models.Model):
    """A child manifest of an image index / manifest list, with the platform the index names."""

    parent = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="child_links")
    child = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="parent_links")
    position = models.PositiveIntegerField()
    os = models.CharField(max_length=64, blank=True)
    architecture = models.CharField(max_length=64, blank=True)
    variant = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["parent", "position"], name="manifest_child_position")]


class ManifestBlob(models.Model):
    """The blobs a manifest references (config and layers): what garbage collection must keep."""

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="blob_refs")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="manifest_refs")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["manifest", "position"], name="manifest_blob_position")]


_NATURAL_RE = re.compile(r"(\d+)")


def tag_sort_key(name: str) -> str:
    """A string whose plain byte order is natural version order: `1.9` < `1.10` < `1.10.1`, `1.2` < `1.2-alpine`.

    The same order as comparing tuples of parts, digit runs by value before text runs by code point.
    Written in lowercase hex digits only, so every collation (C, ICU, glibc locales) sorts it the same:
    a digit run is "0", its length (two hex digits) and the number without leading zeros; a text run
    is "1", its UTF-8 bytes in hex and "00", which sorts below any byte a tag name can hold.
    """
    parts = []
    for part in _NATURAL_RE.split(name):
        if not part:
            continue
        if part.isdigit():
            number = str(int(part))
            parts.append(f"0{len(number):02x}{number}")
        else:
            parts.append(f"1{part.encode().hex()}00")
    return "".join(parts)


class Tag(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=128)
    # tag_sort_key(name), so the tags page sorts by version with an index (set by save()).
    sort_key = models.CharField(max_length=640, blank=True, default="", editable=False)
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="tags")
    pushed_at = models.DateTimeField()
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    last_pulled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repository", "name"], name="tag_unique_name")]
        indexes = [
            models.Index(fields=["repository", "sort_key", "id"], name="tag_version_order"),
            models.Index(fields=["repository", "-pushed_at", "-id"], name="tag_pushed_order"),
        ]

    def __str__(self):
        return f"{self.repository}:{self.name}"

    def save(self, *args, **kwargs):
        # Every path that creates a tag goes through save() (bulk loads set sort_key themselves).
        self.sort_key = tag_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)


class Layer(models.Model):
    """One step of an image's history as the indexer paired it with the manifest's layers.

    Steps that changed no files (ENV, CMD ...) are kept with `empty_layer` set and no digest, so
    the image page can show every command in order.
    """

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="layers")
    position = models.PositiveIntegerField()
    empty_layer = models.BooleanField(default=False)
    digest = models.CharField(max_length=150, blank=True)
    media_type = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uncompressed_size = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.TextField(blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["manifest", "position"], name="layer_position")]
        # Which other images hold a layer (the image page's sharing counts) is read by digest.
        indexes = [models.Index(fields=["digest"], name="layer_digest")]
