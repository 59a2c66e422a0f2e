"""OSV advisories (https://ossf.github.io/osv-schema/): reading records and matching packages.

Matching follows the schema's "Evaluation" section: a version is affected when it is listed in
``versions`` or falls in an ``ECOSYSTEM`` or ``SEMVER`` range. Events of a range are sorted by
version; ``introduced`` opens an affected interval, ``fixed`` (exclusive) and ``last_affected``
(inclusive) close it, and ``limit`` caps the whole range. ``GIT`` ranges name commits, which an
image does not record, so they are ignored.

Debian, Ubuntu and Alpine advisories name source packages, so callers match OS packages by
``source_name``/``source_version`` (see ``match_name_and_version``).

Records are decoded with ``documents`` (size up to ``MAX_RECORD_BYTES``, nesting and YAML aliases
bounded); a record too large, too deep, not JSON or YAML, or with fields of the wrong type raises
``AdvisoryError``. Reading them from directories and zips is ``osv_files``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from images.documents import DocumentError, load_json, load_yaml

from .packages import Package
from .versions import InvalidVersion, UnsupportedEcosystem, ecosystem_base, normalize_name, semver_key, version_key

MAX_RECORD_BYTES = 8 << 20  # osv.dev's largest records (long version lists) are a few hundred KiB
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")
# Ecosystems whose advisories are written against source packages.
SOURCE_PACKAGE_ECOSYSTEMS = frozenset({"Debian", "Ubuntu", "Alpine"})


class AdvisoryError(ValueError):
    pass


@dataclass(frozen=True)
class Event:
    kind: str  # introduced, fixed, last_affected, limit
    version: str


@dataclass(frozen=True)
class Range:
    type: str  # ECOSYSTEM, SEMVER, GIT
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Affected:
    ecosystem: str
    name: str
    purl: str = ""
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (type, score) pairs, as in the record


@dataclass(frozen=True)
class Advisory:
    id: str
    modified: datetime | None
    published: datetime | None = None
    withdrawn: datetime | None = None
    aliases: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    affected: tuple[Affected, ...] = ()
    severity: str = "UNKNOWN"  # CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN
    cvss_score: float | None = None
    cvss_vector: str = ""
    severity_source: str = ""  # where the rating comes from ("CVSS 3.1 vector" ...), "" when UNKNOWN
    references: tuple[str, ...] = ()
    raw: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Match:
    advisory_id: str
    ecosystem: str
    name: str
    version: str
    fixed_in: str = ""  # the first fixed version above ``version``, when the advisory gives one
    last_affected: str = ""
    severity: str = "UNKNOWN"


def severity_from_score(score: float) -> str:
    """CVSS v3/v4 qualitative rating; a score of 0.0 ("None") still reads as LOW for a listed
    advisory."""
    if score >= 9.0:
        return "CRITICAL"
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    return "LOW"


_CVSS_CLASSES = {"CVSS_V4": CVSS4, "CVSS_V3": CVSS3, "CVSS_V2": CVSS2}
_DATABASE_SEVERITY = {
    "CRITICAL": "CRITICAL",
    "HIGH": "HIGH",
    "IMPORTANT": "HIGH",
    "MODERATE": "MEDIUM",
    "MEDIUM": "MEDIUM",
    "LOW": "LOW",
    "NEGLIGIBLE": "LOW",
}


# Who writes a record's `database_specific.severity`, by the prefix of its id.
_DATABASES = {"GHSA": "GitHub", "PYSEC": "PyPA", "GO": "Go", "RUSTSEC": "RustSec", "DSA": "Debian", "DLA": "Debian"}


def cvss_source(kind: str, vector: str) -> str:
    """``CVSS 3.1 vector``: the version the vector names (v2 vectors name none)."""
    prefix = vector.split("/", 1)[0]
    version = prefix.removeprefix("CVSS:") if prefix.startswith("CVSS:") else kind.removeprefix("CVSS_V") + ".0"
    return f"CVSS {version} vector"


def _severity(record: dict) -> tuple[str, float | None, str, str]:
    """(rating, score, vector, source): the newest CVSS version wins; else the database's own label."""
    entries = list(record.get("severity") or [])
    for affected in record.get("affected") or []:
        entries.extend(affected.get("severity") or [])
    for kind in ("CVSS_V4", "CVSS_V3", "CVSS_V2"):
        for entry in entries:
            if entry.get("type") == kind and isinstance(entry.get("score"), str):
                try:
                    score = float(_CVSS_CLASSES[kind](entry["score"]).base_score)
                except (CVSSError, ValueError, KeyError):
                    continue
                return severity_from_score(score), score, entry["score"], cvss_source(kind, entry["score"])
    labels = [record.get("database_specific") or {}]
    labels += [affected.get("database_specific") or {} for affected in record.get("affected") or []]
    for label in labels:
        value = label.get("severity") if isinstance(label, dict) else None
        if isinstance(value, str) and value.upper() in _DATABASE_SEVERITY:
            prefix = str(record.get("id", "")).split("-", 1)[0]
            return _DATABASE_SEVERITY[value.upper()], None, "", f"{_DATABASES.get(prefix, prefix)} database_specific"
    return "UNKNOWN", None, "", ""


_TIME_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def parse_osv_time(value: object) -> datetime | None:
    """An OSV timestamp as an aware datetime (UTC when the record names no zone), or None.

    The schema asks for RFC 3339 strings, but YAML records written without quotes come decoded as
    ``datetime`` (or ``date``) values; strings may carry ``Z``, an offset, a space or lowercase
    ``t`` separator, and any number of fraction digits (Go writes nanoseconds).
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        text = text[:10] + "T" + text[11:] if len(text) > 10 and text[10] in " tT" else text
        text = _TIME_FRACTION.sub(r"\1", text.upper().replace("Z", "+00:00"))
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _affected(entry: dict) -> Affected:
    package = entry.get("package") or {}
    ranges = []
    for range_ in entry.get("ranges") or []:
        events = tuple(
            Event(kind, str(value))
            for event in range_.get("events") or []
            for kind, value in event.items()
            if kind in {"introduced", "fixed", "last_affected", "limit"}
        )
        ranges.append(Range(str(range_.get("type", "")), events))
    return Affected(
        ecosystem=str(package.get("ecosystem", "")),
        name=str(package.get("name", "")),
        purl=str(package.get("purl", "")),
        ranges=tuple(ranges),
        versions=tuple(str(version) for version in entry.get("versions") or []),
        severity=tuple((str(s.get("type")), str(s.get("score"))) for s in entry.get("severity") or []),
    )


def parse_advisory(data: bytes | str | dict) -> Advisory:
    """One OSV record from JSON or YAML text (or an already decoded dict)."""
    if isinstance(data, dict):
        record = data
    else:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        try:
            if text.lstrip().startswith("{"):
                record = load_json(text, MAX_RECORD_BYTES)
            else:
                record = load_yaml(text, MAX_RECORD_BYTES)
        except DocumentError as error:
            raise AdvisoryError(f"the record {error}") from None
    if not isinstance(record, dict) or not record.get("id"):
        raise AdvisoryError("an OSV record is an object with an id")
    try:
        return _advisory(record)
    except (AttributeError, TypeError, ValueError) as error:
        raise AdvisoryError(f"not an OSV record, a field has the wrong type: {error}") from None


def _advisory(record: dict) -> Advisory:
    rating, score, vector, source = _severity(record)
    return Advisory(
        id=str(record["id"]),
        modified=parse_osv_time(record.get("modified")),
        published=parse_osv_time(record.get("published")),
        withdrawn=parse_osv_time(record.get("withdrawn")),
        aliases=tuple(str(alias) for alias in record.get("aliases") or []),
        summary=str(record.get("summary") or ""),
        details=str(record.get("details") or ""),
        affected=tuple(_affected(entry) for entry in record.get("affected") or [] if isinstance(entry, dict)),
        severity=rating,
        cvss_score=score,
        cvss_vector=vector,
        severity_source=source,
        references=tuple(str(ref.get("url")) for ref in record.get("references") or [] if ref.get("url")),
        raw=record,
    )


def ecosystem_matches(advisory_ecosystem: str, image_ecosystem: str) -> bool:
    """``Debian:12`` matches ``Debian:12``; ``Ubuntu:22.04:LTS`` matches ``Ubuntu:22.04``; a bare
    ``Debian`` or ``PyPI`` matches any release. ``Ubuntu:Pro:...`` covers ESM packages only."""
    advisory_parts = [part for part in advisory_ecosystem.split(":") if part != "LTS"]
    image_parts = [part for part in image_ecosystem.split(":") if part != "LTS"]
    if advisory_parts[0] != image_parts[0]:
        return False
    if len(advisory_parts) == 1 or len(image_parts) == 1:
        return True
    return advisory_parts[1:] == image_parts[1:]


@dataclass(frozen=True)
class _Interval:
    affected: bool
    fixed_in: str = ""
    last_affected: str = ""


def _in_range(range_: Range, key: Callable[[str], Any], version_value: Any) -> _Interval:
    # "introduced: 0" means from the very first version; it sorts before everything else.
    def sort_key(event: Event):
        return (0, 0) if event.kind == "introduced" and event.version == "0" else (1, key(event.version))

    limits = [key(event.version) for event in range_.events if event.kind == "limit"]
    if limits and not any(version_value < limit for limit in limits):
        return _Interval(False)
    events = sorted((event for event in range_.events if event.kind != "limit"), key=sort_key)
    affected = False
    for index, event in enumerate(events):
        is_zero = event.kind == "introduced" and event.version == "0"
        if event.kind == "introduced" and (is_zero or version_value >= key(event.version)):
            affected = True
        elif event.kind == "fixed" and version_value >= key(event.version):
            affected = False
        elif event.kind == "last_affected" and version_value > key(event.version):
            affected = False
        elif affected and event.kind in {"fixed", "last_affected"}:
            # The first closing event above the version ends the interval it is in.
            closing = events[index]
            return _Interval(True, *((closing.version, "") if closing.kind == "fixed" else ("", closing.version)))
    return _Interval(affected)


def affected_by(advisory: Advisory, ecosystem: str, name: str, version: str) -> Match | None:
    """Does ``advisory`` affect package ``name`` at ``version`` in ``ecosystem`` (the image's, e.g.
    ``Debian:12`` or ``PyPI``)? Withdrawn advisories affect nothing."""
    if advisory.withdrawn is not None:
        return None
    base = ecosystem_base(ecosystem)
    wanted_name = normalize_name(base, name)
    for affected in advisory.affected:
        if not affected.ecosystem or not ecosystem_matches(affected.ecosystem, ecosystem):
            continue
        if normalize_name(base, affected.name) != wanted_name:
            continue
        interval = _affected_interval(affected, ecosystem, version)
        if interval.affected:
            return Match(
                advisory.id, ecosystem, name, version, interval.fixed_in, interval.last_affected, advisory.severity
            )
    return None


def _affected_interval(affected: Affected, ecosystem: str, version: str) -> _Interval:
    listed = version in affected.versions
    for range_ in affected.ranges:
        if range_.type not in {"ECOSYSTEM", "SEMVER"}:
            continue
        key = semver_key if range_.type == "SEMVER" else (lambda value: version_key(ecosystem, value))
        try:
            interval = _in_range(range_, key, key(version))
        except (InvalidVersion, UnsupportedEcosystem, ValueError, TypeError):
            continue  # a version this ordering cannot read: only the explicit list can match it
        if interval.affected:
            return interval
    if listed:
        # Listed but no range says where it ends: report the nearest fixed event if one is readable.
        return _Interval(True, _first_fixed_above(affected, ecosystem, version))
    return _Interval(False)


def _first_fixed_above(affected: Affected, ecosystem: str, version: str) -> str:
    candidates = []
    for range_ in affected.ranges:
        if range_.type not in {"ECOSYSTEM", "SEMVER"}:
            continue
        key = semver_key if range_.type == "SEMVER" else (lambda value: version_key(ecosystem, value))
        for event in range_.events:
            try:
                if event.kind == "fixed" and key(event.version) > key(version):
                    candidates.append((key(event.version), event.version))
            except (ValueError, TypeError):
                continue
    return min(candidates)[1] if candidates else ""


def match_name_and_version(package: Package, ecosystem: str) -> tuple[str, str]:
    """What an advisory of ``ecosystem`` calls this package: the source package for distributions
    whose advisories name source packages, the package itself elsewhere."""
    if ecosystem_base(ecosystem) in SOURCE_PACKAGE_ECOSYSTEMS and package.source_name:
        return package.source_name, package.source_version or package.version
    return package.name, package.version


# purl type -> OSV ecosystem, for language packages (OS packages take the image's ecosystem).
PURL_TYPE_ECOSYSTEMS = {
    "pypi": "PyPI",
    "npm": "npm",
    "golang": "Go",
    "maven": "Maven",
    "gem": "RubyGems",
    "cargo": "crates.io",
    "nuget": "NuGet",
    "composer": "Packagist",
}


def package_ecosystem(package: Package, os_ecosystem: str | None) -> str | None:
    if package.type in {"deb", "apk", "rpm"}:
        return os_ecosystem
    return PURL_TYPE_ECOSYSTEMS.get(package.type)
