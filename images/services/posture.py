"""A repository's security posture: derived data for the posture facets and the "fewest vulnerabilities" sort.

Posture is that of the repository's *latest* tag: the tag named `latest` when there is one, else the most
recently pushed tag (ties: the greater name). Its platform images are the tag's manifest, or for an
index its child manifests (attestation entries, platform `unknown`, excluded). Over those images:

- vulns_critical/high/medium/low/unknown: distinct advisories by severity (an advisory found in several
  packages or platforms counts once, at the highest severity any of its findings has);
- vulns_fixable: distinct critical/high advisories with a fixed version for at least one finding;
- vulns_total: distinct advisories; vulns_rank: critical, then high, then total as one sortable number;
- last_scanned_at: the latest time findings were computed for those images (Manifest.findings_at);
- has_sbom: every platform image is indexed (its package inventory is stored, so its SBOM can be exported).

Counts are NULL (and the rank last) while no image of the latest tag has findings computed: "not scanned"
is no claim of being clean. Call repository_posture_refresh whenever tags move or findings change.
"""

from collections import defaultdict

from django.db import transaction

from images.models import Finding, Manifest, ManifestReference, Repository, Tag
from images.models.catalogue import VULNS_RANK_UNSCANNED
from images.models.choices import Severity
from images.models.content import IndexStatus

LATEST = "latest"
SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.UNKNOWN]
_RANK_OF = {severity.value: i for i, severity in enumerate(SEVERITY_ORDER)}
POSTURE_FIELDS = [
    "vulns_critical",
    "vulns_high",
    "vulns_medium",
    "vulns_low",
    "vulns_unknown",
    "vulns_fixable",
    "vulns_total",
    "vulns_rank",
    "last_scanned_at",
    "has_sbom",
]
_BATCH = 500
_PART = 10**6  # each count's share of vulns_rank; counts beyond it sort as if they were 999,999


def vulns_rank(critical: int, high: int, total: int) -> int:
    """Fewest vulnerabilities first: by critical, then high, then total."""
    cap = _PART - 1
    return min(critical, cap) * _PART * _PART + min(high, cap) * _PART + min(total, cap)


def repository_posture_refresh(repository: Repository) -> None:
    """Recompute one repository's posture columns."""
    repositories_posture_refresh(repository_ids=[repository.pk])


def repositories_posture_refresh(*, repository_ids=None) -> int:
    """Recompute the posture columns of these repositories (every one when None), a batch at a time:
    a few queries per batch, not per repository. Returns how many were refreshed."""
    if repository_ids is None:
        ids = list(Repository.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted({int(i) for i in repository_ids})
    for start in range(0, len(ids), _BATCH):
        _refresh_batch(ids[start : start + _BATCH])
    return len(ids)


def latest_tags(repository_ids: list[int]) -> dict[int, int]:
    """The manifest id of each repository's latest tag (see the module's docstring), by repository id."""
    best: dict[int, tuple] = {}
    rows = Tag.objects.filter(repository_id__in=repository_ids).values_list(
        "repository_id", "name", "pushed_at", "manifest_id"
    )
    for repository_id, name, pushed_at, manifest_id in rows:
        key = (name == LATEST, pushed_at, name)
        if repository_id not in best or key > best[repository_id][0]:
            best[repository_id] = (key, manifest_id)
    return {repository_id: manifest_id for repository_id, (_, manifest_id) in best.items()}


def _platform_images(latest: dict[int, int]) -> dict[int, list[int]]:
    """The image manifests behind each latest manifest: itself, or an index's children (not its attestations)."""
    images = {manifest_id: [manifest_id] for manifest_id in latest.values()}
    indexes = set(Manifest.objects.filter(pk__in=images, is_index=True).values_list("pk", flat=True))
    for manifest_id in indexes:
        images[manifest_id] = []
    children = (
        ManifestReference.objects.filter(parent_id__in=indexes)
        .exclude(architecture="unknown")
        .values_list("parent_id", "child_id")
    )
    for parent_id, child_id in children:
        images[parent_id].append(child_id)
    return images


@transaction.atomic
def _refresh_batch(repository_ids: list[int]) -> None:
    latest = latest_tags(repository_ids)
    images = _platform_images(latest)
    wanted = {child for children in images.values() for child in children}
    states = {
        pk: (status, findings_at)
        for pk, status, findings_at in Manifest.objects.filter(pk__in=wanted).values_list(
            "pk", "index_status", "findings_at"
        )
    }
    # manifest id -> vulnerability id -> (severity rank, fixable)
    found: dict[int, dict[int, tuple[int, bool]]] = defaultdict(dict)
    for manifest_id, vulnerability_id, severity, fixed_version in Finding.objects.filter(
        manifest_id__in=wanted
    ).values_list("manifest_id", "vulnerability_id", "severity", "fixed_version"):
        rank = _RANK_OF.get(severity, _RANK_OF[Severity.UNKNOWN])
        earlier = found[manifest_id].get(vulnerability_id)
        fixable = bool(fixed_version)
        if earlier:
            rank, fixable = min(rank, earlier[0]), fixable or earlier[1]
        found[manifest_id][vulnerability_id] = (rank, fixable)

    rows = []
    for repository_id in repository_ids:
        children = images.get(latest.get(repository_id), [])
        rows.append(_posture(repository_id, children, states, found))
    Repository.objects.bulk_update(rows, POSTURE_FIELDS)


def _posture(repository_id: int, children: list[int], states: dict, found: dict) -> Repository:
    repository = Repository(pk=repository_id, vulns_rank=VULNS_RANK_UNSCANNED, has_sbom=False)
    scanned_times = [states[c][1] for c in children if c in states and states[c][1] is not None]
    repository.has_sbom = bool(children) and all(states.get(c, ("",))[0] == IndexStatus.INDEXED for c in children)
    if not scanned_times:
        for name in POSTURE_FIELDS[:7]:
            setattr(repository, name, None)
        repository.last_scanned_at = None
        return repository
    advisories: dict[int, tuple[int, bool]] = {}
    for child in children:
        for vulnerability_id, (rank, fixable) in found.get(child, {}).items():
            earlier = advisories.get(vulnerability_id)
            if earlier:
                rank, fixable = min(rank, earlier[0]), fixable or earlier[1]
            advisories[vulnerability_id] = (rank, fixable)
    by_rank = [0] * len(SEVERITY_ORDER)
    fixable_count = 0
    for rank, fixable in advisories.values():
        by_rank[rank] += 1
        fixable_count += fixable and rank <= _RANK_OF[Severity.HIGH]
    (
        repository.vulns_critical,
        repository.vulns_high,
        repository.vulns_medium,
        repository.vulns_low,
        repository.vulns_unknown,
    ) = by_rank
    repository.vulns_fixable = fixable_count
    repository.vulns_total = len(advisories)
    repository.vulns_rank = vulns_rank(by_rank[0], by_rank[1], len(advisories))
    repository.last_scanned_at = max(scanned_times)
    return repository


def manifest_repository_ids(manifest_ids) -> set[int]:
    """The repositories these manifests belong to (an index and its children share one)."""
    return set(Manifest.objects.filter(pk__in=list(manifest_ids)).values_list("repository_id", flat=True))
