"""Alpine's secdb (https://secdb.alpinelinux.org/v3.19/main.json) as OSV-shaped records, one
``ALPINE-<CVE>`` record per CVE, one affected entry per origin package and release.

The document: ``{distroversion: "v3.19", reponame: "main", packages: [{pkg: {name, secfixes:
{"1.2.3-r0": ["CVE-…", …], "0": [CVEs that never affected the package]}}}]}``. ``name`` is the
origin (source) package, the ``o:`` field of ``/lib/apk/db/installed``; a version key fixes the
CVEs it lists (affected below it, apk ordering); the "0" key means not affected, so no entry.
secdb lists fixes only: an Alpine entry is always ``fixed``.

Each file is its own feed (``v3.19/main``): importing v3.19/community or v3.20/main adds entries
beside it, importing it again replaces only its own.
"""

import re

from . import FIXED, FeedError

_ID = re.compile(r"^(CVE-\d{4}-\d+|GHSA-[0-9a-z-]+|ALPINE-\d+|XSA-\d+)$", re.IGNORECASE)
_RELEASE = re.compile(r"^v\d+\.\d+$|^edge$")
SECURITY_URL = "https://security.alpinelinux.org/vuln/"


def feed_name(document: dict) -> str:
    return f"{document.get('distroversion')}/{document.get('reponame') or 'main'}"


def _ids(text: str) -> list[str]:
    # Entries are ids, sometimes several on a line or followed by a note ("CVE-2019-1 XSA-2").
    return [word.upper() for word in str(text).split() if _ID.match(word)]


def parse_secdb(document: object) -> dict[str, dict]:
    """Every record the secdb document holds, by id; raises FeedError when it is not one."""
    if not isinstance(document, dict) or not isinstance(document.get("packages"), list):
        raise FeedError("not an Alpine secdb file: it is an object with a packages list")
    release = str(document.get("distroversion") or "")
    if not _RELEASE.match(release):
        raise FeedError(f"not an Alpine secdb file: its distroversion looks like v3.19, not {release!r}")
    feed = feed_name(document)
    records: dict[str, dict] = {}
    for item in document["packages"]:
        package = item.get("pkg") if isinstance(item, dict) else None
        if not isinstance(package, dict) or not package.get("name"):
            raise FeedError("not an Alpine secdb file: each package is {pkg: {name, secfixes}}")
        name = str(package["name"])
        secfixes = package.get("secfixes") or {}
        if not isinstance(secfixes, dict):
            raise FeedError(f"not an Alpine secdb file: {name}: secfixes maps versions to lists of ids")
        for version, fixed_ids in secfixes.items():
            if str(version) == "0" or not isinstance(fixed_ids, list):
                continue  # "0": these never affected the package
            for issue_id in {issue for text in fixed_ids for issue in _ids(text)}:
                record = records.setdefault(f"ALPINE-{issue_id}", _record(issue_id))
                record["affected"].append(_entry(release, name, str(version), feed))
    return records


def _entry(release: str, name: str, fixed: str, feed: str) -> dict:
    return {
        "package": {
            "ecosystem": f"Alpine:{release}",
            "name": name,
            "purl": f"pkg:apk/alpine/{name}?distro=alpine-{release.lstrip('v')}",
        },
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
        "database_specific": {"feed": feed, "fix_state": FIXED},
    }


def _record(issue_id: str) -> dict:
    return {
        "id": f"ALPINE-{issue_id}",
        "aliases": [issue_id] if issue_id.startswith(("CVE-", "GHSA-")) else [],
        "summary": "",
        "details": "",
        "affected": [],
        "references": [{"type": "ADVISORY", "url": SECURITY_URL + issue_id}],
        "database_specific": {"source": "alpine-secdb"},
    }
