"""Lineage rows (images/models/lineage.py): written when an image is indexed and when a tag moves, rebuilt whole
by `manage.py reindex --lineage`. Deletes need nothing: the rows cascade with their manifest, and which image is
whose base is decided when a page reads (images/selectors/lineage.py), so a deleted base simply stops matching.

A push costs its own rows only: the image's chain key and its prefix keys (one per layer), and the images whose
annotations named it by digest before it arrived get it as their annotated base. The images it is now the
base of, and the base it now has, follow from the keys without rewriting any other row.
"""

import json

from django.db import connection, transaction
from django.utils import timezone

from images.indexing.lineage import base_annotations, chain_keys, layer_chain
from images.models import ChainPrefix, ImageChain, Manifest, ManifestReference, Repository, Tag, TagHistory
from images.models.choices import IndexStatus
from images.storage import blob_storage

_BATCH = 1000
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def lineage_record(*, manifest: Manifest, config: dict, body: dict) -> None:
    """Store one image's chain and prefix keys (inside the indexing transaction, which replaces them whole)."""
    digests = [layer.get("digest", "") for layer in body.get("layers") or [] if isinstance(layer, dict)]
    ChainPrefix.objects.filter(manifest=manifest).delete()
    ImageChain.objects.filter(manifest=manifest).delete()
    row, prefixes = _rows(manifest.pk, config, body, digests)
    if row is None:
        return
    platform = (str(config.get("os") or ""), str(config.get("architecture") or ""))
    row.annotated_base_id = _annotated_base(row.annotated_digest, manifest, platform)
    row.save(force_insert=True)
    ChainPrefix.objects.bulk_create(prefixes, batch_size=_BATCH)
    _adopt_annotated_dependents(manifest, platform)


def _rows(manifest_id: int, config: dict, body: dict, digests: list[str]):
    chain = layer_chain(config, digests)
    if not chain:
        return None, []
    keys = chain_keys(chain)
    name, digest = base_annotations(body)
    row = ImageChain(
        manifest_id=manifest_id, key=keys[-1], length=len(keys), annotated_name=name, annotated_digest=digest
    )
    prefixes = [ChainPrefix(manifest_id=manifest_id, length=i + 1, key=key) for i, key in enumerate(keys[:-1])]
    return row, prefixes


def _annotated_base(digest: str, manifest: Manifest, platform: tuple[str, str]) -> int | None:
    """The platform image an annotation's digest names: that manifest, or the index's child of the same platform."""
    if not digest:
        return None
    named = Manifest.objects.filter(digest=digest).exclude(pk=manifest.pk).order_by("pk").first()
    if named is None:
        return None
    if not named.is_index:
        return named.pk
    children = ManifestReference.objects.filter(parent=named, os=platform[0], architecture=platform[1])
    return children.order_by("position").values_list("child_id", flat=True).first()


def _adopt_annotated_dependents(manifest: Manifest, platform: tuple[str, str]) -> None:
    """Images pushed before their base, whose annotations name it (or the index holding it), now have it."""
    parents = ManifestReference.objects.filter(child=manifest).values_list("parent__digest", flat=True)
    waiting = ImageChain.objects.filter(annotated_base__isnull=True).exclude(manifest=manifest)
    waiting.filter(annotated_digest=manifest.digest).update(annotated_base=manifest)
    parent_digests = list(parents)
    if parent_digests:
        waiting.filter(
            annotated_digest__in=parent_digests, manifest__os=platform[0], manifest__architecture=platform[1]
        ).update(annotated_base=manifest)


def tag_history_record(*, repository: Repository, name: str, manifest: Manifest) -> None:
    """Remember that this tag named this manifest (the first time only): what "base updated" is measured by."""
    TagHistory.objects.get_or_create(
        repository=repository, name=name, manifest=manifest, defaults={"first_at": timezone.now()}
    )


def lineage_rebuild() -> int:
    """Recompute every image's chain from its stored manifest and config, and record the tags as they stand.
    Returns how many images have a chain."""
    store = blob_storage()
    with transaction.atomic():
        ChainPrefix.objects.all().delete()
        ImageChain.objects.all().delete()
        _history_seed()
        platform_of = _platforms()
        by_digest = _digest_index()
        total = 0
        manifests = Manifest.objects.filter(is_index=False, index_status=IndexStatus.INDEXED).exclude(config_digest="")
        ids = list(manifests.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), _BATCH):
            chains, prefixes = [], []
            rows = Manifest.objects.filter(pk__in=ids[start : start + _BATCH]).values_list(
                "pk", "content", "config_digest"
            )
            for manifest_id, content, config_digest in rows:
                body, config = _documents(store, content, config_digest)
                digests = [layer.get("digest", "") for layer in body.get("layers") or [] if isinstance(layer, dict)]
                chain = layer_chain(config, digests)
                if not chain:
                    continue
                keys = chain_keys(chain)
                name, digest = base_annotations(body)
                base_id = _resolve(by_digest, platform_of, digest, manifest_id)
                chains.append((manifest_id, keys[-1], len(keys), name, digest, base_id))
                prefixes.extend((manifest_id, i + 1, key) for i, key in enumerate(keys[:-1]))
            _insert(
                ImageChain,
                ["manifest_id", "key", "length", "annotated_name", "annotated_digest", "annotated_base_id"],
                chains,
            )
            _insert(ChainPrefix, ["manifest_id", "length", "key"], prefixes)
            total += len(chains)
    return total


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Many rows at once, without a model instance each: COPY on PostgreSQL, executemany elsewhere (the rebuild
    writes ~5 rows per image; through bulk_create that was most of its time)."""
    if not rows:
        return
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c.removesuffix("_id")).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 (our names)


def _documents(store, content, config_digest: str) -> tuple[dict, dict]:
    try:
        body = json.loads(bytes(content))
        with store.open(config_digest) as f:
            config = json.loads(f.read(MAX_CONFIG_BYTES))
    except (OSError, ValueError):
        return {}, {}
    return (body if isinstance(body, dict) else {}), (config if isinstance(config, dict) else {})


def _platforms() -> dict[int, tuple[str, str]]:
    rows = Manifest.objects.filter(is_index=False).values_list("pk", "os", "architecture")
    return {pk: (os, arch) for pk, os, arch in rows}


def _digest_index() -> dict[str, list[tuple[int, bool]]]:
    found: dict[str, list[tuple[int, bool]]] = {}
    for pk, digest, is_index in Manifest.objects.order_by("pk").values_list("pk", "digest", "is_index"):
        found.setdefault(digest, []).append((pk, is_index))
    return found


def _resolve(by_digest, platform_of, digest: str, manifest_id: int) -> int | None:
    if not digest:
        return None
    for pk, is_index in by_digest.get(digest, []):
        if pk == manifest_id:
            continue
        if not is_index:
            return pk
        children = ManifestReference.objects.filter(parent_id=pk).order_by("position").values_list("child_id")
        platform = platform_of.get(manifest_id)
        return next((child for (child,) in children if platform_of.get(child) == platform), None)
    return None


def _history_seed() -> None:
    """Every tag as it stands now is a fact of history too (tags written before lineage existed included)."""
    known = set(TagHistory.objects.values_list("repository_id", "name", "manifest_id"))
    now = timezone.now()
    missing = [
        TagHistory(repository_id=repository_id, name=name, manifest_id=manifest_id, first_at=pushed_at or now)
        for repository_id, name, manifest_id, pushed_at in Tag.objects.values_list(
            "repository_id", "name", "manifest_id", "pushed_at"
        )
        if (repository_id, name, manifest_id) not in known
    ]
    TagHistory.objects.bulk_create(missing, batch_size=_BATCH, ignore_conflicts=True)
