"""Indexing: how a committed manifest becomes catalogue data (history, layers, packages, findings).

One path for every manifest, whether pushed, mirrored or seeded: `manifest_index_enqueue` on
commit, then the `images.manifest_index_task` task calls `manifest_index` here.

Safe to run twice and safe to kill: a run first claims the manifest (a conditional UPDATE, so two
workers never index the same image at once), keeps a heartbeat while it works (renewed as layer
bytes are read, since one layer can take longer than the lease), and writes all its results in one
transaction that replaces whatever an earlier run wrote. A run whose worker died leaves a claim
with a stale heartbeat, which `manifest_index_recover` (a beat task) hands to a new run. Each
claim is named by its time: a run writes only while the claim is still its own, so a run that was
taken over (it stalled past the lease) stops without touching what its successor writes.
"""

import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from images.documents import DocumentError, load_json_object
from images.indexing.history import history_steps, parse_created
from images.indexing.inventory import ImageInventory, index_layers
from images.indexing.limits import HostileLayer, LayerLimits
from images.models import Layer, Manifest, Package
from images.models.content import IndexStatus
from images.models.security import LICENSE_SEPARATOR
from images.oci.media_types import IMAGE_CONFIG_TYPES
from images.services.alerts import alerts_compute_soon
from images.services.jobs import MANIFEST_INDEX, job_enqueue, job_send
from images.services.lineage import lineage_record
from images.services.posture import repositories_posture_refresh
from images.services.repository_contents import repository_contents_refresh
from images.services.search_index import repository_platforms_refresh
from images.services.vulns import advisory_key, findings_refresh
from images.storage import blob_storage

log = logging.getLogger(__name__)

MAX_CONFIG_BYTES = 8 << 20


class IndexFailure(Exception):
    """The image cannot be indexed; the message is shown on the image page."""


def manifest_index_enqueue(*, manifest: Manifest) -> None:
    """Mark a manifest queued and send it to the indexer once the surrounding transaction commits.

    Every path that stores a manifest (push, mirror, demo seeding) calls this.
    """
    Manifest.objects.filter(pk=manifest.pk).update(
        index_status=IndexStatus.QUEUED, index_error="", index_progress=0, index_heartbeat_at=timezone.now()
    )
    manifest.index_status = IndexStatus.QUEUED
    job_enqueue(MANIFEST_INDEX, manifest.pk)


def _lease() -> timedelta:
    return timedelta(seconds=settings.HUB_INDEX_LEASE_SECONDS)


def manifest_index_claim(*, manifest_id: int, force: bool = False) -> datetime | None:
    """Take the manifest for this run; returns the claim's time, which names the run (None when the
    image is done already or another live run has it)."""
    now = timezone.now()
    claimable = Q(index_status__in=[IndexStatus.PENDING, IndexStatus.QUEUED]) | Q(
        index_status=IndexStatus.INDEXING, index_heartbeat_at__lt=now - _lease()
    )
    if force:
        claimable |= Q(index_status__in=[IndexStatus.INDEXED, IndexStatus.FAILED, IndexStatus.SKIPPED])
    claimed = Manifest.objects.filter(claimable, pk=manifest_id).update(
        index_status=IndexStatus.INDEXING,
        index_started_at=now,
        index_heartbeat_at=now,
        index_progress=0,
        index_error="",
    )
    return now if claimed else None


class ClaimLost(Exception):
    """Another run took the manifest over (this one showed no sign of life for a lease)."""


class _Run:
    """One claimed run. Every write it makes is conditional on the claim still being its own, so a
    run that lost its lease (a long stall, a paused VM) cannot overwrite the run that replaced it."""

    def __init__(self, manifest_id: int, claimed_at: datetime):
        self.manifest_id, self.claimed_at = manifest_id, claimed_at
        # Renew well inside the lease: a single layer can take longer than the whole lease to read.
        self.every = _lease().total_seconds() / 3
        self.last_beat = time.monotonic()

    def _mine(self):
        return Manifest.objects.filter(
            pk=self.manifest_id, index_status=IndexStatus.INDEXING, index_started_at=self.claimed_at
        )

    def beat(self, percent: int | None = None) -> None:
        """Renew the heartbeat (at most every third of a lease unless progress is reported)."""
        if percent is None and time.monotonic() - self.last_beat < self.every:
            return
        fields = {"index_heartbeat_at": timezone.now()}
        if percent is not None:
            fields["index_progress"] = percent
        if not self._mine().update(**fields):
            raise ClaimLost(f"manifest {self.manifest_id} was taken over by another indexing run")
        self.last_beat = time.monotonic()

    def lock(self) -> None:
        """Inside the transaction that writes the results: hold the manifest row, and make sure it is still ours."""
        if not self._mine().select_for_update().exists():
            raise ClaimLost(f"manifest {self.manifest_id} was taken over by another indexing run")

    def finish(self, status: str, error: str = "") -> bool:
        return _finish(self.manifest_id, status, error, claimed_at=self.claimed_at)


class _Renewing:
    """A layer blob that renews its run's heartbeat as it is read."""

    def __init__(self, fileobj, run: _Run):
        self._fileobj, self._run = fileobj, run

    def read(self, size: int = -1) -> bytes:
        self._run.beat()
        return self._fileobj.read(size)

    def __getattr__(self, name):
        return getattr(self._fileobj, name)


def manifest_index(*, manifest_id: int, force: bool = False) -> str:
    """Index one manifest; returns the status it ended in (or "busy" when another run has it)."""
    claimed_at = manifest_index_claim(manifest_id=manifest_id, force=force)
    if claimed_at is None:
        return "busy"
    run = _Run(manifest_id, claimed_at)
    manifest = Manifest.objects.select_related("repository").get(pk=manifest_id)
    try:
        status = _index(manifest, run)
        if status == IndexStatus.INDEXED:
            alerts_compute_soon()  # a new image may match saved searches, or bring findings
    except ClaimLost as exc:
        log.warning("%s; this run stops without writing", exc)
        return "busy"
    except (IndexFailure, HostileLayer) as exc:
        run.finish(IndexStatus.FAILED, error=str(exc))
        return IndexStatus.FAILED
    except Exception as exc:
        # Unexpected: record it on the image so it is visible, and let the worker log the trace.
        run.finish(IndexStatus.FAILED, error=f"internal error: {type(exc).__name__}: {exc}")
        raise
    return status


def _finish(manifest_id: int, status: str, error: str = "", *, claimed_at: datetime) -> bool:
    """Record how the run that claimed the manifest at `claimed_at` ended; False when it is no longer its run."""
    finished = Manifest.objects.filter(
        pk=manifest_id, index_status=IndexStatus.INDEXING, index_started_at=claimed_at
    ).update(index_status=status, index_error=error[:4000], index_progress=100, indexed_at=timezone.now())
    if not finished:
        return False
    repository_id = Manifest.objects.values_list("repository_id", flat=True).get(pk=manifest_id)
    if status == IndexStatus.INDEXED:
        # The platforms an image offers are known only now: refresh the repository's search facets.
        repository_platforms_refresh(repository_id=repository_id)
    # Its findings (or its failure) are known now: so is the posture of a repository whose latest tag names it.
    repositories_posture_refresh(repository_ids=[repository_id])
    repository_contents_refresh(repository_ids=[repository_id])  # and what `pkg:` and `cve:` find in it
    return True


def _index(manifest: Manifest, run: _Run) -> str:
    if manifest.is_index:
        # An index has no layers of its own; its children are indexed as manifests of their own.
        run.finish(IndexStatus.INDEXED)
        return IndexStatus.INDEXED
    body = _json(bytes(manifest.content), "manifest")
    config_descriptor = body.get("config") or {}
    if config_descriptor.get("mediaType") not in IMAGE_CONFIG_TYPES:
        run.finish(IndexStatus.SKIPPED)
        return IndexStatus.SKIPPED
    config = _json(_read_blob(config_descriptor["digest"], MAX_CONFIG_BYTES), "image config")
    layers = [layer for layer in body.get("layers") or [] if isinstance(layer, dict)]
    digests = [layer.get("digest", "") for layer in layers]

    inventory = index_layers(_open_layers(run, layers), LayerLimits())
    for skipped in inventory.skipped:
        log.warning("manifest %s: skipped %s: %s", manifest.digest, skipped.path, skipped.reason)
    with transaction.atomic():
        run.lock()  # two runs' transactions must not interleave their deletes and inserts
        _store(manifest, config, layers, digests, inventory)
        lineage_record(manifest=manifest, config=config, body=body)
        findings_refresh(manifest=manifest)
        run.finish(IndexStatus.INDEXED)
    return IndexStatus.INDEXED


def _open_layers(run: _Run, layers: list[dict]) -> Iterator:
    total = max(len(layers), 1)
    store = blob_storage()
    for index, layer in enumerate(layers):
        run.beat(percent=int(90 * index / total))
        with store.open(layer["digest"]) as fileobj:
            yield index, _Renewing(fileobj, run), layer.get("mediaType", "")


def _store(manifest: Manifest, config: dict, layers: list[dict], digests: list[str], inventory: ImageInventory):
    """Replace every derived row of this manifest with what this run found."""
    Layer.objects.filter(manifest=manifest).delete()  # cascades to packages' layer links
    Package.objects.filter(manifest=manifest).delete()  # cascades to findings

    steps = history_steps(config, digests)
    rows: list[Layer] = []
    by_layer_index: dict[int, Layer] = {}

    def add(layer_index: int | None, **fields) -> None:
        descriptor = layers[layer_index] if layer_index is not None else {}
        row = Layer(
            manifest=manifest,
            position=len(rows),
            empty_layer=layer_index is None,
            digest=descriptor.get("digest", ""),
            media_type=descriptor.get("mediaType", ""),
            size=int(descriptor.get("size") or 0),
            uncompressed_size=inventory.uncompressed_sizes.get(layer_index) if layer_index is not None else 0,
            **fields,
        )
        rows.append(row)
        if layer_index is not None:
            by_layer_index[layer_index] = row

    for step in steps:
        add(step.layer_index, created_by=step.created_by, created_at=step.created, comment=step.comment)
    # Layers the history does not describe (configs without history) still get a row.
    for layer_index in range(len(layers)):
        if layer_index not in by_layer_index:
            add(layer_index)
    Layer.objects.bulk_create(rows)  # sets primary keys on PostgreSQL and SQLite >= 3.35
    Package.objects.bulk_create(
        [
            Package(
                manifest=manifest,
                layer=by_layer_index.get(package.layer_index),
                type=package.type,
                name=package.name[:255],
                version=package.version[:255],
                source_name=package.source_name[:255],
                source_version=package.source_version[:255],
                arch=package.arch[:64],
                licenses=LICENSE_SEPARATOR.join(package.licenses),
                purl=package.purl[:1024],
                path=package.path[:1024],
                advisory_key=(advisory_key(package, inventory.ecosystem) or ("",))[0][:400],
            )
            for package in inventory.packages
        ],
        batch_size=500,
    )
    os_release = inventory.os_release
    Manifest.objects.filter(pk=manifest.pk).update(
        os=str(config.get("os") or "")[:64],
        architecture=str(config.get("architecture") or "")[:64],
        variant=str(config.get("variant") or "")[:64],
        image_created_at=_created(config),
        os_name=(os_release.pretty_name if os_release else "")[:255],
        os_ecosystem=(inventory.ecosystem or "")[:64],
        compressed_size=sum(int(layer.get("size") or 0) for layer in layers),
        uncompressed_size=_uncompressed_total(inventory, len(layers)),
    )
    manifest.os_ecosystem = inventory.ecosystem or ""


def _uncompressed_total(inventory: ImageInventory, layer_count: int) -> int | None:
    """The sum of every layer's uncompressed tar stream, None when one was not measured."""
    sizes = inventory.uncompressed_sizes
    if any(index not in sizes for index in range(layer_count)):
        return None
    return sum(sizes.values())


def _created(config: dict):
    return parse_created(config.get("created"))


def _read_blob(digest: str, limit: int) -> bytes:
    try:
        with blob_storage().open(digest) as f:
            data = f.read(limit + 1)
    except FileNotFoundError:
        raise IndexFailure(f"blob {digest} is missing from storage") from None
    if len(data) > limit:
        raise IndexFailure(f"blob {digest} is larger than {limit} bytes")
    return data


def _json(data: bytes, what: str) -> dict:
    """The manifest or image config, bounded in size and nesting (``documents``): a failure says why."""
    try:
        return load_json_object(data, MAX_CONFIG_BYTES)
    except DocumentError as exc:
        raise IndexFailure(f"{what} {exc}") from None


def manifest_index_recover() -> int:
    """Re-send manifests whose run died or whose task was lost (no sign of life for a lease).

    Each re-send renews the heartbeat, so a long queue is not sent again on every call; a
    duplicate that does reach a worker finds the claim taken, or the work done, and stops.
    """
    now = timezone.now()
    stale = list(
        Manifest.objects.filter(
            index_status__in=[IndexStatus.QUEUED, IndexStatus.INDEXING], index_heartbeat_at__lt=now - _lease()
        ).values_list("pk", flat=True)[:1000]
    )
    for manifest_id in stale:
        Manifest.objects.filter(pk=manifest_id, index_status=IndexStatus.QUEUED).update(index_heartbeat_at=now)
        job_send(MANIFEST_INDEX, manifest_id)
    if stale:
        log.info("re-sent %d manifests whose indexing stalled", len(stale))
    return len(stale)
