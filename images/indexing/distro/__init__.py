"""Operating-system advisories from the distributions' own feeds, as Trivy and Grype read them.

Each importer turns one feed (the Debian security tracker's JSON, an Alpine secdb file) into
OSV-shaped records, so the one matcher in ``images.indexing.vulns`` applies them: affected entries
name the source package and the release (``Debian:12``, ``Alpine:v3.19``), ranges are ``ECOSYSTEM``
ranges compared with dpkg/apk ordering. What OSV has no field for travels in each entry's
``database_specific``:

- ``feed``: which file the entry came from (``debian``, ``v3.19/main``), so importing that file
  again replaces exactly its own entries and drops those it no longer lists;
- ``fix_state``: ``fixed`` (a ``fixed`` event), ``unfixed`` (affected, no fix yet) or
  ``wont_fix`` (the distribution decided not to fix it). "Not affected" never becomes an entry.

A CVE is one record per distribution (``DEBIAN-CVE-…``, ``ALPINE-CVE-…``, as osv.dev names them),
whatever the number of releases and repositories that list it: ``merge_feed`` folds one feed's
entries into the records already stored.

Pure: no Django. Bounds: a feed is read up to ``MAX_FEED_BYTES`` (gzip included, inflated size).
"""

import gzip
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..versions import ecosystem_base, normalize_name
from ..vulns import Advisory, ecosystem_matches

FIXED = "fixed"
UNFIXED = "unfixed"
WONT_FIX = "wont_fix"
FIX_STATES = (FIXED, UNFIXED, WONT_FIX)

DEBIAN = "debian"
ALPINE = "alpine"
OSV = "osv"
FORMATS = (OSV, DEBIAN, ALPINE)
# Vulnerability.source of the records each feed writes ("" for OSV records).
SOURCES = {DEBIAN: "debian-tracker", ALPINE: "alpine-secdb"}

MAX_FEED_BYTES = 1 << 30  # the whole Debian tracker JSON is under 100 MiB
_SEVERITY_ORDER = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")


class FeedError(ValueError):
    pass


def read_feed(data: bytes) -> object:
    """A feed's JSON document; gzip-compressed feeds (``json.gz``) are inflated first."""
    if data[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            data = stream.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("the feed is more than 1 GiB")
    try:
        return json.loads(data)
    except RecursionError:
        raise FeedError("the feed is nested too deeply to be a distribution feed") from None
    except ValueError as error:
        raise FeedError(f"the feed is not JSON: {error}") from None


def detect_format(document: object) -> str | None:
    """``alpine`` for a secdb file, ``debian`` for the security tracker's JSON, ``osv`` for an
    OSV record; None for anything else."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("packages"), list) and "distroversion" in document:
        return ALPINE
    if isinstance(document.get("id"), str):
        return OSV
    for issues in document.values():
        if isinstance(issues, dict):
            for issue in issues.values():
                if isinstance(issue, dict) and isinstance(issue.get("releases"), dict):
                    return DEBIAN
            return None
    return None


def entry_feed(entry: dict) -> str:
    return str((entry.get("database_specific") or {}).get("feed", ""))


def worst_severity(labels) -> str:
    ranks = [_SEVERITY_ORDER.index(label) for label in labels if label in _SEVERITY_ORDER]
    return _SEVERITY_ORDER[min(ranks)] if ranks else "UNKNOWN"


@dataclass
class FeedChanges:
    changed: dict[str, dict] = field(default_factory=dict)  # id -> the whole new record
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _without_modified(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "modified"}


def merge_feed(existing: Mapping[str, dict], fresh: Mapping[str, dict], *, feed: str, modified: str) -> FeedChanges:
    """Fold one feed's records (``fresh``, every entry of ``feed``) into the stored ones of the same
    source: each record keeps the entries of other feeds and gets this feed's anew; a record left
    with no entry is removed. Only records that really change are returned, stamped ``modified``,
    so importing the same feed twice changes nothing."""
    changes = FeedChanges()
    ids = set(fresh) | {
        record_id
        for record_id, record in existing.items()
        if any(entry_feed(entry) == feed for entry in record.get("affected") or [])
    }
    for record_id in sorted(ids):
        old, new = existing.get(record_id), fresh.get(record_id)
        entries = [entry for entry in (old or {}).get("affected") or [] if entry_feed(entry) != feed]
        entries += (new or {}).get("affected") or []
        if not entries:
            if old is not None:
                changes.removed.append(record_id)
            continue
        base = new or old
        entries.sort(key=lambda entry: (entry["package"]["ecosystem"], entry["package"]["name"], entry_feed(entry)))
        severity = worst_severity((entry.get("database_specific") or {}).get("severity") for entry in entries)
        record = {
            **base,
            "affected": entries,
            "database_specific": {**(base.get("database_specific") or {}), "severity": severity},
        }
        if old is not None and _without_modified(old) == _without_modified(record):
            changes.unchanged += 1
            continue
        changes.changed[record_id] = {**record, "modified": modified}
    return changes


def fix_state(advisory: Advisory, ecosystem: str, name: str, fixed_in: str) -> str:
    """How a finding of ``advisory`` on package ``name`` (as the advisory names it) in ``ecosystem``
    can be resolved: ``fixed`` when a fixed version is known, ``wont_fix`` when the distribution
    said so for that release, ``unfixed`` otherwise (OSV records without a fix included)."""
    if fixed_in:
        return FIXED
    base = ecosystem_base(ecosystem)
    for entry in advisory.raw.get("affected") or []:
        if not isinstance(entry, dict):
            continue
        package = entry.get("package") or {}
        entry_ecosystem = str(package.get("ecosystem", ""))
        if not entry_ecosystem or not ecosystem_matches(entry_ecosystem, ecosystem):
            continue
        if normalize_name(base, str(package.get("name", ""))) != normalize_name(base, name):
            continue
        if (entry.get("database_specific") or {}).get("fix_state") == WONT_FIX:
            return WONT_FIX
    return UNFIXED


def summary_of(description: str, limit: int = 200) -> str:
    """The first sentence of a description, cut at a word under ``limit`` characters."""
    text = " ".join(description.split())
    sentence = text.split(". ", 1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "…"
