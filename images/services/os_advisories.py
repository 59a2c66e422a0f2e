"""Operating-system advisory feeds (Debian security tracker JSON, Alpine secdb): which feed a
file is, and what importing it changes in the stored records of its distribution.

The writing itself is `images.services.vulns.vulnerability_import`'s, as for OSV records: a feed's
records are OSV-shaped (see images/indexing/distro), so they are stored, matched and shown alike.
"""

import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from images.indexing import distro
from images.indexing.distro import alpine, debian
from images.models import Vulnerability

_SNIFF_BYTES = 64


@dataclass(frozen=True)
class OsFeed:
    source: str  # Vulnerability.source: debian-tracker, alpine-secdb
    feed: str  # which file of that source: debian, v3.19/main ...
    records: dict[str, dict]


def os_feed_read(path: Path, feed_format: str = "") -> OsFeed | None:
    """The distribution feed in `path`, or None when it holds OSV records (a directory, a zip, an
    OSV file), which the OSV reader takes. `feed_format` (osv, debian, alpine) skips the guess;
    without it the format is told from the content. Raises FeedError for a feed it cannot read."""
    if feed_format and feed_format not in distro.FORMATS:
        raise distro.FeedError(f"unknown format {feed_format!r}: one of {', '.join(distro.FORMATS)}")
    if feed_format == distro.OSV or path.is_dir() or zipfile.is_zipfile(path):
        if feed_format not in ("", distro.OSV):
            raise distro.FeedError(f"a {feed_format} feed is one JSON file, not a directory or zip")
        return None
    if not feed_format:
        with path.open("rb") as stream:
            start = stream.read(_SNIFF_BYTES)
        if not (start.lstrip().startswith(b"{") or start.startswith(b"\x1f\x8b")):
            return None  # YAML, or not a feed: the OSV reader says what it is
    if path.stat().st_size > distro.MAX_FEED_BYTES:
        raise distro.FeedError("the feed is more than 1 GiB")
    try:
        document = distro.read_feed(path.read_bytes())
    except distro.FeedError:
        if feed_format:
            raise
        return None
    kind = feed_format or distro.detect_format(document)
    if kind == distro.DEBIAN:
        return OsFeed(distro.SOURCES[kind], debian.FEED, debian.parse_tracker(document))
    if kind == distro.ALPINE:
        return OsFeed(distro.SOURCES[kind], alpine.feed_name(document), alpine.parse_secdb(document))
    return None


def os_feed_changes(feed: OsFeed, *, modified: datetime) -> distro.FeedChanges:
    """What importing `feed` changes: the records of its source that gain, change or lose entries."""
    existing = dict(Vulnerability.objects.filter(source=feed.source).values_list("osv_id", "data"))
    stamp = modified.isoformat().replace("+00:00", "Z")
    return distro.merge_feed(existing, feed.records, feed=feed.feed, modified=stamp)
