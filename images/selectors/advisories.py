"""Reads for advisory pages: one OSV record found by its id or any alias, and the images it affects
that the viewer may see."""

from dataclasses import dataclass

from images.indexing.vulns import AdvisoryError, Affected, parse_advisory
from images.models import Finding, Repository, Tag, Vulnerability, VulnerabilityAlias
from images.services.authorization import readable_filter

AFFECTED_IMAGES_LIMIT = 500


@dataclass(frozen=True)
class AdvisoryLookup:
    vulnerability: Vulnerability
    others: list[str]  # other stored records that carry the same name (a PYSEC and a GHSA for one CVE)


def advisory_get(*, name: str) -> AdvisoryLookup | None:
    """The record called `name`, else the first (by id) that lists it among its aliases."""
    name = name.strip()
    if not name:
        return None
    exact = Vulnerability.objects.filter(osv_id=name).first()
    aliased = list(
        Vulnerability.objects.filter(
            pk__in=VulnerabilityAlias.objects.filter(alias=name).values("vulnerability_id")
        ).order_by("osv_id")
    )
    found = exact or (aliased[0] if aliased else None)
    if found is None:
        return None
    return AdvisoryLookup(found, [v.osv_id for v in aliased if v.pk != found.pk])


@dataclass(frozen=True)
class AffectedImage:
    repository: Repository
    tag: str
    digest: str  # the platform image's
    platform: str
    package: str
    version: str
    fixed_version: str


def advisory_images(*, vulnerability: Vulnerability, agent) -> list[AffectedImage]:
    """Each tag whose image (or one of whose platform images) has a finding of this record, in
    repositories `agent` may read; at most AFFECTED_IMAGES_LIMIT rows."""
    readable = Repository.objects.filter(readable_filter(agent)).values("id")
    findings = list(
        Finding.objects.filter(vulnerability=vulnerability, manifest__repository_id__in=readable)
        .select_related("manifest__repository__namespace", "package")
        .order_by("manifest__repository__namespace__name", "manifest__repository__name", "manifest_id", "package_id")[
            :AFFECTED_IMAGES_LIMIT
        ]
    )
    manifest_ids = {finding.manifest_id for finding in findings}
    tags: dict[int, list[str]] = {}
    for tag, manifest_id in Tag.objects.filter(manifest_id__in=manifest_ids).values_list("name", "manifest_id"):
        tags.setdefault(manifest_id, []).append(tag)
    for tag, child_id in Tag.objects.filter(manifest__child_links__child_id__in=manifest_ids).values_list(
        "name", "manifest__child_links__child_id"
    ):
        tags.setdefault(child_id, []).append(tag)
    rows = []
    for finding in findings:
        manifest = finding.manifest
        platform = "/".join(part for part in (manifest.os, manifest.architecture, manifest.variant) if part)
        for tag in sorted(set(tags.get(manifest.pk, []))):
            rows.append(
                AffectedImage(
                    manifest.repository,
                    tag,
                    manifest.digest,
                    platform,
                    finding.package.name,
                    finding.package.version,
                    finding.fixed_version,
                )
            )
    return rows[:AFFECTED_IMAGES_LIMIT]


@dataclass(frozen=True)
class AdvisoryPage:
    vulnerability: Vulnerability
    others: list[str]
    affected: tuple[Affected, ...]
    references: list[tuple[str, str]]  # (type, url)
    images: list[AffectedImage]


def advisory_page(*, name: str, agent) -> AdvisoryPage | None:
    """Everything an advisory page shows, or None when no stored record has that id or alias."""
    found = advisory_get(name=name)
    if found is None:
        return None
    vulnerability = found.vulnerability
    try:
        affected = parse_advisory(vulnerability.data).affected
    except AdvisoryError:
        affected = ()
    references = [
        (str(ref.get("type") or "WEB"), str(ref["url"]))
        for ref in vulnerability.data.get("references") or []
        if isinstance(ref, dict) and str(ref.get("url", "")).startswith(("https://", "http://"))
    ]
    images = advisory_images(vulnerability=vulnerability, agent=agent)
    return AdvisoryPage(vulnerability, found.others, affected, references, images)
