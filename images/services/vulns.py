"""Vulnerability data: importing OSV records and matching them against stored packages.

Findings are derived data: `findings_refresh` recomputes one image's findings from its stored
packages, so new advisories apply to every image without pulling any of them again.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from images.indexing.distro import fix_state
from images.indexing.osv_files import advisory_files
from images.indexing.versions import ecosystem_base, normalize_name
from images.indexing.vulns import (
    Advisory,
    AdvisoryError,
    affected_by,
    match_name_and_version,
    package_ecosystem,
    parse_advisory,
)
from images.models import AffectedPackage, Finding, Manifest, Package, Vulnerability, VulnerabilityAlias
from images.models.choices import Severity
from images.services.advisory_sources import local_copy
from images.services.alerts import alerts_compute_soon
from images.services.os_advisories import OsFeed, os_feed_changes, os_feed_read
from images.services.posture import manifest_repository_ids, repositories_posture_refresh
from images.services.repository_contents import repository_contents_refresh

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    # (ecosystem base, normalised name) of every package whose advisories changed.
    touched: set[tuple[str, str]] = field(default_factory=set)
    # Ids and aliases of the records stored, changed or removed: records sharing one may take (or
    # lose) their severity from each other.
    names: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged, {self.removed} withdrawn, "
            f"{len(self.failed)} unreadable"
        )


def advisory_key(package, os_ecosystem: str | None) -> tuple[str, str, str, str] | None:
    """(key, ecosystem, name, version) under which advisories know this package, or None.

    `package` is an indexing Package or a stored one: both have type, name, version, source_*.
    """
    ecosystem = package_ecosystem(package, os_ecosystem)
    if not ecosystem:
        return None
    name, version = match_name_and_version(package, ecosystem)
    base = ecosystem_base(ecosystem)
    return f"{base}/{normalize_name(base, name)}", ecosystem, name, version


def _affected_keys(advisory: Advisory) -> set[tuple[str, str]]:
    keys = set()
    for affected in advisory.affected:
        if affected.ecosystem and affected.name:
            base = ecosystem_base(affected.ecosystem)
            keys.add((base, normalize_name(base, affected.name)))
    return keys


def _jsonable(record: dict) -> dict:
    """YAML records come with datetime values; OSV writes them as RFC 3339 strings."""
    return json.loads(json.dumps(record, default=lambda value: value.isoformat().replace("+00:00", "Z")))


@transaction.atomic
def vulnerability_store(advisory: Advisory, result: ImportResult) -> None:
    """Insert, update (when `modified` is newer) or remove (when withdrawn) one record."""
    existing = Vulnerability.objects.filter(osv_id=advisory.id).first()
    if advisory.withdrawn is not None:
        if existing:
            result.touched |= _affected_keys(parse_advisory(existing.data))
            result.names |= {existing.osv_id, *map(str, existing.aliases or [])}
            existing.delete()  # its findings and alias rows go with it
            result.removed += 1
        return
    if existing and existing.modified and advisory.modified and existing.modified >= advisory.modified:
        result.unchanged += 1
        return
    fields = {
        "summary": advisory.summary,
        "details": advisory.details,
        "aliases": list(advisory.aliases),
        "severity": advisory.severity.lower(),
        "cvss_score": advisory.cvss_score,
        "cvss_vector": advisory.cvss_vector[:255],
        "severity_source": advisory.severity_source[:200],
        "published": advisory.published,
        "modified": advisory.modified,
        "withdrawn": None,
        "references": list(advisory.references),
        "data": _jsonable(advisory.raw),
    }
    if existing:
        result.touched |= _affected_keys(parse_advisory(existing.data))
        result.names |= set(map(str, existing.aliases or []))
        Vulnerability.objects.filter(pk=existing.pk).update(**fields)
        vulnerability = existing
        vulnerability.affected.all().delete()
        vulnerability.alias_rows.all().delete()
        result.updated += 1
    else:
        vulnerability = Vulnerability.objects.create(osv_id=advisory.id, **fields)
        result.created += 1
    keys = _affected_keys(advisory)
    result.touched |= keys
    result.names |= {advisory.id, *advisory.aliases}
    AffectedPackage.objects.bulk_create(
        [AffectedPackage(vulnerability=vulnerability, ecosystem=base, name=name[:255]) for base, name in keys]
    )
    aliases = {alias[:100] for alias in advisory.aliases if alias and alias != advisory.id}
    VulnerabilityAlias.objects.bulk_create(
        [VulnerabilityAlias(vulnerability=vulnerability, alias=alias) for alias in sorted(aliases)]
    )


# Which own source an alias's severity is best taken from: a vector before a database's label.
ALIAS_PREFIX = "via alias "
NAMES_BATCH = 500


def _source_rank(source: str) -> int:
    return 0 if source.startswith("CVSS") else 1


def severities_from_aliases(*, names: set[str], result: ImportResult) -> int:
    """Give each record without a severity of its own the best one among its aliases' records
    (records it names, that name it, or that share an alias such as a CVE id); take it back when
    that record goes. Records among `names` (or aliased by them) are the ones looked at.
    Returns how many records changed; their packages join `result.touched`.

    A few queries per batch of names, whatever the number of records: the whole snapshot passes here.
    """
    needy_ids: set[int] = set()
    own_or_none = Q(severity_source="") | Q(severity_source__startswith=ALIAS_PREFIX)
    for batch in _batches(names):
        needy_ids |= set(Vulnerability.objects.filter(own_or_none, osv_id__in=batch).values_list("pk", flat=True))
        needy_ids |= set(
            VulnerabilityAlias.objects.filter(alias__in=batch)
            .filter(Q(vulnerability__severity_source="") | Q(vulnerability__severity_source__startswith=ALIAS_PREFIX))
            .values_list("vulnerability_id", flat=True)
        )
    fields = ("pk", "osv_id", "aliases", "severity", "cvss_score", "cvss_vector", "severity_source")
    needy = [
        row for batch in _batches(needy_ids) for row in Vulnerability.objects.filter(pk__in=batch).values_list(*fields)
    ]
    donors = _donors({name for row in needy for name in _names(row)})
    changed = 0
    for pk, *current in needy:
        candidates = {donor for name in _names((pk, *current)) for donor in donors.get(name, ()) if donor[0] != pk}
        best = _best(candidates)
        if best != (current[2], current[3], current[4], current[5]):
            severity, score, vector, source = best
            Vulnerability.objects.filter(pk=pk).update(
                severity=severity, cvss_score=score, cvss_vector=vector, severity_source=source
            )
            result.touched |= set(AffectedPackage.objects.filter(vulnerability_id=pk).values_list("ecosystem", "name"))
            changed += 1
    return changed


def _batches(values) -> Iterable[list]:
    ordered = sorted(values)
    return (ordered[start : start + NAMES_BATCH] for start in range(0, len(ordered), NAMES_BATCH))


def _names(row) -> set[str]:
    """A record's id and aliases, from a (pk, osv_id, aliases, ...) row."""
    return {row[1], *map(str, row[2] or [])}


def _donors(names: set[str]) -> dict[str, set[tuple]]:
    """name -> records with a severity of their own that carry that name, as id or alias."""
    own = Vulnerability.objects.exclude(severity=Severity.UNKNOWN).exclude(severity_source="")
    own = own.exclude(severity_source__startswith=ALIAS_PREFIX)
    fields = ("pk", "osv_id", "aliases", "severity", "cvss_score", "cvss_vector", "severity_source")
    rows = set()
    for batch in _batches(names):
        for row in own.filter(
            pk__in=VulnerabilityAlias.objects.filter(alias__in=batch).values("vulnerability_id")
        ).values_list(*fields):
            rows.add(row[:2] + (tuple(row[2] or ()),) + row[3:])
        for row in own.filter(osv_id__in=batch).values_list(*fields):
            rows.add(row[:2] + (tuple(row[2] or ()),) + row[3:])
    donors: dict[str, set[tuple]] = defaultdict(set)
    for row in rows:
        for name in _names(row):
            donors[name].add(row)
    return donors


def _best(candidates: set[tuple]) -> tuple[str, float | None, str, str]:
    """The donor whose rating comes from a vector before one from a label, then by id."""
    if not candidates:
        return Severity.UNKNOWN, None, "", ""
    _pk, osv_id, _aliases, severity, score, vector, source = min(
        candidates, key=lambda row: (_source_rank(row[6]), row[1])
    )
    return severity, score, vector, f"{ALIAS_PREFIX}{osv_id} ({source})"[:200]


def vulnerabilities_refresh() -> list[str]:
    """Re-import every configured advisory source (HUB_VULN_SOURCES); what each one brought."""
    return [f"{source}: {vulnerability_import(source=source)}" for source in settings.HUB_VULN_SOURCES]


def vulnerability_import(
    *, source: str, progress: Callable[[Iterable], Iterable] = iter, feed_format: str = ""
) -> ImportResult:
    """Import every OSV record of a directory, zip, single JSON/YAML file or URL to one of those,
    or a distribution feed (Debian security tracker JSON, Alpine secdb; told by content, or by
    `feed_format`), then recompute the findings of the images whose packages the changes touch.

    A record that cannot be read is listed in `failed` and skipped; the others still land.
    """
    path, cleanup = local_copy(source)
    result = ImportResult()
    try:
        feed = os_feed_read(path, feed_format)
        if feed is not None:
            _os_feed_store(feed, result, progress)
        for record_file in progress(advisory_files(path)) if feed is None else ():
            try:
                advisory = parse_advisory(record_file.read())
            except (AdvisoryError, UnicodeDecodeError) as exc:
                result.failed.append(f"{record_file.name}: {exc}")
                continue
            vulnerability_store(advisory, result)
    finally:
        cleanup()
    if result.names:
        severities_from_aliases(names=result.names, result=result)
    if result.touched:
        findings_recompute(keys=result.touched)
        alerts_compute_soon()  # images may have gained critical or high findings
    return result


def _os_feed_store(feed: OsFeed, result: ImportResult, progress: Callable[[Iterable], Iterable]) -> None:
    """Store what a distribution feed changes: its records are stamped `modified` only when their
    content changes, so importing the same file again changes nothing; records it no longer lists
    (and no other feed of the source does) are removed."""
    changes = os_feed_changes(feed, modified=timezone.now())
    result.unchanged += changes.unchanged
    for record in progress(list(changes.changed.values())):
        vulnerability_store(parse_advisory(record), result)
    changed = list(changes.changed)
    for start in range(0, len(changed), 1000):
        Vulnerability.objects.filter(osv_id__in=changed[start : start + 1000]).update(source=feed.source)
    for start in range(0, len(changes.removed), 1000):
        gone = Vulnerability.objects.filter(source=feed.source, osv_id__in=changes.removed[start : start + 1000])
        for data in gone.values_list("data", flat=True):
            result.touched |= _affected_keys(parse_advisory(data))
        result.removed += gone.delete()[1].get(Vulnerability._meta.label, 0)


RECOMPUTE_BATCH = 2000


def findings_recompute(*, keys: set[tuple[str, str]]) -> int:
    """Refresh the findings of every stored package named in `keys` (after their advisories changed);
    returns how many packages were looked at.

    Only those packages' findings can change: a package is matched only by the advisories of its
    own key. So this works on the packages themselves, a batch at a time (a few queries per batch,
    not per image), and never pulls an image again.
    """
    wanted_keys = [f"{base}/{name}" for base, name in keys]
    advisories: dict[str, list[tuple[int, str, Advisory]]] = defaultdict(list)
    for base, name, vulnerability_id, modified, severity in AffectedPackage.objects.filter(
        ecosystem__in={base for base, _ in keys}, name__in={name for _, name in keys}
    ).values_list("ecosystem", "name", "vulnerability_id", "vulnerability__modified", "vulnerability__severity"):
        advisories[f"{base}/{name}"].append(
            (vulnerability_id, severity, _advisory(vulnerability_id, modified.isoformat() if modified else ""))
        )
    packages = (
        Package.objects.filter(advisory_key__in=wanted_keys)
        .select_related("manifest")
        .only("pk", "manifest_id", "manifest__os_ecosystem", "type", "name", "version", "source_name",
              "source_version", "advisory_key")
        .order_by("pk")
    )  # fmt: skip
    count = 0
    last_pk = 0
    recomputed: set[int] = set()  # the manifests whose findings were computed again
    while batch := list(packages.filter(pk__gt=last_pk)[:RECOMPUTE_BATCH]):
        last_pk = batch[-1].pk
        findings = []
        for package in batch:
            found = advisory_key(package, package.manifest.os_ecosystem or None)
            if not found:
                continue
            _, ecosystem, name, version = found
            for vulnerability_id, severity, advisory in advisories.get(package.advisory_key, []):
                match = affected_by(advisory, ecosystem, name, version)
                if match is not None:
                    findings.append(
                        _finding(package.manifest_id, package.pk, vulnerability_id, match, advisory, severity)
                    )
        with transaction.atomic():
            Finding.objects.filter(package_id__in=[package.pk for package in batch]).delete()
            Finding.objects.bulk_create(findings, batch_size=1000)
            batch_manifests = {package.manifest_id for package in batch} - recomputed
            Manifest.objects.filter(pk__in=batch_manifests).update(findings_at=timezone.now())
            recomputed |= batch_manifests
        count += len(batch)
    # Their repositories' posture (counts, last scanned) follows: only theirs can have changed.
    repositories_posture_refresh(repository_ids=manifest_repository_ids(recomputed))
    repository_contents_refresh(repository_ids=manifest_repository_ids(recomputed))
    return count


def _finding(
    manifest_id: int, package_id: int, vulnerability_id: int, match, advisory: Advisory, severity: str
) -> Finding:
    """`severity` is the stored record's, which may come from an alias's record; `advisory` says the fix state."""
    return Finding(
        manifest_id=manifest_id,
        package_id=package_id,
        vulnerability_id=vulnerability_id,
        severity=severity,
        fixed_version=match.fixed_in[:255],
        fix_state=fix_state(advisory, match.ecosystem, match.name, match.fixed_in),
    )


@lru_cache(maxsize=4096)
def _advisory(vulnerability_id: int, modified_iso: str) -> Advisory:
    # Keyed by modified time too, so an updated record is parsed again.
    return parse_advisory(Vulnerability.objects.values_list("data", flat=True).get(pk=vulnerability_id))


@transaction.atomic
def findings_refresh(*, manifest: Manifest) -> int:
    """Recompute one image's findings from its stored packages; returns how many it has now."""
    os_ecosystem = manifest.os_ecosystem or None
    wanted: dict[tuple[str, str], list[tuple[Package, str, str, str]]] = defaultdict(list)
    for package in Package.objects.filter(manifest=manifest).exclude(advisory_key=""):
        found = advisory_key(package, os_ecosystem)
        if found:
            key, ecosystem, name, version = found
            base, _, normalised = key.partition("/")
            wanted[(base, normalised)].append((package, ecosystem, name, version))

    findings: dict[tuple[int, int], Finding] = {}
    if wanted:
        bases = {base for base, _ in wanted}
        names = {name for _, name in wanted}
        candidates = AffectedPackage.objects.filter(ecosystem__in=bases, name__in=names).values_list(
            "ecosystem", "name", "vulnerability_id", "vulnerability__modified", "vulnerability__severity"
        )
        for base, name, vulnerability_id, modified, severity in candidates:
            advisory = _advisory(vulnerability_id, modified.isoformat() if modified else "")
            for package, ecosystem, match_name, version in wanted.get((base, name), []):
                match = affected_by(advisory, ecosystem, match_name, version)
                if match is not None:
                    findings[(package.pk, vulnerability_id)] = _finding(
                        manifest.pk, package.pk, vulnerability_id, match, advisory, severity
                    )
    Finding.objects.filter(manifest=manifest).delete()
    Finding.objects.bulk_create(findings.values(), batch_size=500)
    Manifest.objects.filter(pk=manifest.pk).update(findings_at=timezone.now())
    return len(findings)
