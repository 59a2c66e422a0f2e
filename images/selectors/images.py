"""Reads of one platform image: its layers, packages and vulnerability findings."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from images.models import (
    Finding,
    Layer,
    Manifest,
    Package,
    Repository,
)
from images.models.security import Severity

SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.UNKNOWN]


@dataclass
class LayerRow:
    layer: Layer
    share: float  # of the largest layer, 0..100, for the size bar


@dataclass
class ImageDetail:
    manifest: Manifest
    layers: list[LayerRow]
    layer_count: int  # layers with content (not empty history steps)
    package_count: int
    severity_counts: list[tuple[str, str, int]]  # (value, label, count) in severity order
    finding_count: int
    fixable_count: int

    @property
    def indexing(self) -> bool:
        return self.manifest.index_status in ("pending", "queued", "indexing")


def image_manifest_get(*, repository: Repository, digest: str) -> Manifest | None:
    return Manifest.objects.filter(repository=repository, digest=digest, is_index=False).first()


def image_detail_get(*, manifest: Manifest) -> ImageDetail:
    layers = list(manifest.layers.all())
    largest = max((layer.size for layer in layers), default=0) or 1
    severity = dict(manifest.findings.values_list("severity").annotate(n=Count("id")).order_by())
    fixable = manifest.findings.exclude(fixed_version="").count()
    return ImageDetail(
        manifest=manifest,
        layers=[LayerRow(layer=layer, share=round(100 * layer.size / largest, 1)) for layer in layers],
        layer_count=sum(1 for layer in layers if not layer.empty_layer),
        package_count=manifest.packages.count(),
        severity_counts=[(s.value, s.label, severity.get(s.value, 0)) for s in SEVERITY_ORDER],
        finding_count=sum(severity.values()),
        fixable_count=fixable,
    )


def image_total_size(manifest: Manifest) -> int:
    if manifest.compressed_size is not None:
        return manifest.compressed_size
    return manifest.layers.aggregate(total=Sum("size"))["total"] or 0


def package_list(*, manifest: Manifest, name_filter: str = "", type_filter: str = "") -> QuerySet[Package]:
    packages = Package.objects.filter(manifest=manifest).select_related("layer")
    if name_filter:
        packages = packages.filter(name__icontains=name_filter)
    if type_filter:
        packages = packages.filter(type=type_filter)
    return packages.order_by("type", "name", "version", "id")


def package_types(*, manifest: Manifest) -> list[str]:
    return list(Package.objects.filter(manifest=manifest).order_by("type").values_list("type", flat=True).distinct())


def finding_list(*, manifest: Manifest, fixable_only: bool = False, severity: str = "", search: str = ""):
    rank = {s.value: i for i, s in enumerate(SEVERITY_ORDER)}
    findings = Finding.objects.filter(manifest=manifest).select_related("vulnerability", "package")
    if fixable_only:
        findings = findings.exclude(fixed_version="")
    if severity:
        findings = findings.filter(severity=severity)
    if search:
        findings = findings.filter(Q(vulnerability__osv_id__icontains=search) | Q(package__name__icontains=search))
    rows = list(findings.order_by("vulnerability__osv_id", "id"))
    rows.sort(key=lambda f: (rank.get(f.severity, len(rank)), -(f.vulnerability.cvss_score or 0)))
    return rows


def manifest_ids_to_reindex(*, namespace: str = "", name: str = "", failed_only: bool = False) -> list[tuple[int, str]]:
    """(id, digest) of every manifest, or one repository's, or those whose indexing failed."""
    manifests = Manifest.objects.all()
    if namespace:
        manifests = manifests.filter(repository__namespace__name=namespace, repository__name=name)
    if failed_only:
        manifests = manifests.filter(index_status="failed")
    return list(manifests.order_by("pk").values_list("pk", "digest"))
