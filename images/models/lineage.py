"""Lineage: what each platform image is built on. Derived by images/services/lineage.py, never edited by hand.

An image's layer chain is its config's `rootfs.diff_ids` (its layer digests when the config has none). Its
base is the image, visible to the viewer, whose whole chain is the longest proper prefix of its own; so the
base is chosen when a page reads (images/selectors/lineage.py), for the person reading, from:

- ImageChain: one row per indexed platform image, the key of its whole chain and its length, and the base its
  OCI annotations name (`org.opencontainers.image.base.name` / `.base.digest`), which wins when readable;
- ChainPrefix: one row per proper prefix of that chain (lengths 1 .. n-1), its key. A base candidate of an
  image is an ImageChain whose `key` equals one of the image's prefix keys: one indexed join, no scan;
- TagHistory: every (repository, tag, manifest) a tag has named, so an image whose base's tag moved on can
  tell ("base updated N days ago") even though the old base has no tag any more.
"""

from django.db import models

from images.models.catalogue import Repository
from images.models.content import Manifest


class ImageChain(models.Model):
    manifest = models.OneToOneField(Manifest, on_delete=models.CASCADE, related_name="chain", primary_key=True)
    key = models.CharField(max_length=64)  # images.indexing.lineage.chain_keys(chain)[-1]
    length = models.PositiveIntegerField()
    # What the image's annotations say it is built on ("" when they say nothing), and the image they name
    # when it is in Hub (by digest, or a platform child of the index with that digest).
    annotated_name = models.CharField(max_length=512, blank=True)
    annotated_digest = models.CharField(max_length=150, blank=True, db_index=True)
    annotated_base = models.ForeignKey(
        Manifest, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotated_dependents"
    )

    class Meta:
        indexes = [models.Index(fields=["key", "length"], name="chain_key")]


class ChainPrefix(models.Model):
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="chain_prefixes")
    length = models.PositiveIntegerField()
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manifest", "length"], name="chain_prefix_once")]
        indexes = [models.Index(fields=["key", "manifest"], name="chain_prefix_key")]


class TagHistory(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="tag_history")
    name = models.CharField(max_length=128)
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="tag_history")
    first_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["manifest", "repository", "name"], name="tag_history_once"),
        ]
