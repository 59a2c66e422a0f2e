"""The Debian security tracker's JSON (https://security-tracker.debian.org/tracker/data/json)
as OSV-shaped records, one ``DEBIAN-<id>`` record per CVE (or TEMP id), one affected entry per
source package and release.

The document: ``{source package: {CVE id: {description, scope, debianbug, releases: {codename:
{status, repositories, fixed_version, urgency, nodsa, nodsa_reason}}}}}``. Per release:

- ``resolved`` with ``fixed_version`` "0": the release was never affected, no entry;
- ``resolved`` with a version: affected below it (``fixed``);
- ``open``: affected, no fixed version; ``won't fix`` when Debian said so (a ``nodsa`` note other
  than "postponed", an ``ignored`` reason, urgency ``unimportant`` or ``end-of-life``), ``unfixed``
  otherwise;
- ``undetermined``: Debian has not decided whether the release is affected; like Trivy, no entry.

Releases are named by codename; only the numbered ones become ``Debian:<n>`` (testing and sid have
no VERSION_ID, so no image is ever in their ecosystem).
"""

from . import DEBIAN, FIXED, UNFIXED, WONT_FIX, FeedError, summary_of

FEED = DEBIAN
CODENAMES = {
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "bookworm": "12",
    "trixie": "13",
    "forky": "14",
    "duke": "15",
}
_URGENCY_SEVERITY = {"unimportant": "LOW", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}
NOT_TRACKER = "not the Debian security tracker's JSON"
TRACKER_URL = "https://security-tracker.debian.org/tracker/"


def _urgency(release: dict) -> str:
    # "low**" and the like: the asterisks mark an urgency taken from elsewhere (NVD).
    return str(release.get("urgency") or "").strip().rstrip("*").lower()


def release_state(release: dict) -> tuple[str, str] | None:
    """(fix state, fixed version) of one release's entry; None when it is not affected or Debian
    does not know yet."""
    status = release.get("status")
    if status == "resolved":
        fixed = str(release.get("fixed_version") or "")
        if not fixed or fixed == "0":
            return None
        return FIXED, fixed
    if status != "open":
        return None
    reason = str(release.get("nodsa_reason") or "").lower()
    if reason == "postponed":
        return UNFIXED, ""
    if release.get("nodsa") or reason == "ignored" or _urgency(release) in {"unimportant", "end-of-life"}:
        return WONT_FIX, ""
    return UNFIXED, ""


def _entry(package: str, number: str, release: dict, state: str, fixed: str) -> dict:
    events = [{"introduced": "0"}] + ([{"fixed": fixed}] if fixed else [])
    details = {"feed": FEED, "fix_state": state, "urgency": _urgency(release)}
    if release.get("nodsa"):
        details["nodsa"] = str(release["nodsa"])
    details["severity"] = _URGENCY_SEVERITY.get(details["urgency"], "UNKNOWN")
    return {
        "package": {
            "ecosystem": f"Debian:{number}",
            "name": package,
            "purl": f"pkg:deb/debian/{package}?distro=debian-{number}",
        },
        "ranges": [{"type": "ECOSYSTEM", "events": events}],
        "database_specific": details,
    }


def parse_tracker(document: object) -> dict[str, dict]:
    """Every record the tracker document holds, by id; raises FeedError when it is not one."""
    if not isinstance(document, dict):
        raise FeedError(f"{NOT_TRACKER}: it is an object of source packages")
    records: dict[str, dict] = {}
    for package, issues in document.items():
        if not isinstance(issues, dict):
            raise FeedError(f"{NOT_TRACKER}: {package}: a source package maps issue ids to issues")
        for issue_id, issue in issues.items():
            if not isinstance(issue, dict) or not isinstance(issue.get("releases") or {}, dict):
                raise FeedError(f"{NOT_TRACKER}: {package} {issue_id}: an issue is an object with releases")
            entries = []
            for codename, release in (issue.get("releases") or {}).items():
                number = CODENAMES.get(codename)
                if number is None or not isinstance(release, dict):
                    continue
                state = release_state(release)
                if state is not None:
                    entries.append(_entry(package, number, release, *state))
            if not entries:
                continue
            record = records.setdefault(f"DEBIAN-{issue_id}", _record(issue_id, issue))
            record["affected"].extend(entries)
    return records


def _record(issue_id: str, issue: dict) -> dict:
    description = str(issue.get("description") or "")
    specific = {"source": "debian-tracker"}
    if issue.get("scope"):
        specific["scope"] = str(issue["scope"])
    if issue.get("debianbug"):
        specific["debianbug"] = issue["debianbug"]
    return {
        "id": f"DEBIAN-{issue_id}",
        "aliases": [issue_id] if issue_id.startswith("CVE-") else [],
        "summary": summary_of(description),
        "details": description,
        "affected": [],
        "references": [{"type": "ADVISORY", "url": TRACKER_URL + issue_id}],
        "database_specific": specific,
    }
