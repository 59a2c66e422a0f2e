"""Distribution feeds (Debian security tracker, Alpine secdb) read into OSV-shaped records and
matched by source package, release and dpkg/apk ordering."""

import gzip
import json
from pathlib import Path

import pytest

from images.indexing import distro
from images.indexing.distro import alpine, debian
from images.indexing.packages import Package
from images.indexing.vulns import affected_by, match_name_and_version, parse_advisory

FIXTURES = Path(__file__).parent / "fixtures" / "distro"


def load(name: str) -> dict:
    return distro.read_feed((FIXTURES / name).read_bytes())


@pytest.fixture(scope="module")
def tracker() -> dict:
    return {
        key: parse_advisory(record) for key, record in debian.parse_tracker(load("debian-tracker-excerpt.json")).items()
    }


@pytest.fixture(scope="module")
def secdb() -> dict:
    records = alpine.parse_secdb(load("alpine-v3.19-main-excerpt.json"))
    return {key: parse_advisory(record) for key, record in records.items()}


def state(advisory, ecosystem: str, name: str, version: str) -> tuple[str, str] | None:
    """(fix state, fixed in) of a match, None when not affected."""
    match = affected_by(advisory, ecosystem, name, version)
    if match is None:
        return None
    return distro.fix_state(advisory, ecosystem, name, match.fixed_in), match.fixed_in


def test_formats_are_told_apart_by_content():
    assert distro.detect_format(load("debian-tracker-excerpt.json")) == distro.DEBIAN
    assert distro.detect_format(load("alpine-v3.19-main-excerpt.json")) == distro.ALPINE
    assert distro.detect_format({"id": "PYSEC-2020-1", "affected": []}) == distro.OSV
    assert distro.detect_format({"name": "x"}) is None
    assert distro.detect_format([1, 2]) is None


def test_gzip_feeds_are_read_and_broken_ones_refused():
    raw = (FIXTURES / "alpine-v3.19-main-excerpt.json").read_bytes()
    assert distro.read_feed(gzip.compress(raw)) == json.loads(raw)
    with pytest.raises(distro.FeedError, match="not JSON"):
        distro.read_feed(b"{nope")
    with pytest.raises(distro.FeedError):
        debian.parse_tracker({"glibc": ["CVE-1"]})
    with pytest.raises(distro.FeedError, match="distroversion"):
        alpine.parse_secdb({"distroversion": "3.19", "packages": []})


def test_debian_records_are_one_per_cve_with_aliases_and_references(tracker):
    assert set(tracker) == {
        "DEBIAN-CVE-2016-2781",
        "DEBIAN-CVE-2023-4911",
        "DEBIAN-CVE-2010-4756",
        "DEBIAN-CVE-2023-52356",
        "DEBIAN-CVE-2023-5678",
        "DEBIAN-CVE-2022-3219",
        "DEBIAN-TEMP-0000000-8C61A0",
    }  # CVE-2024-0727 is only "undetermined": no record
    looney = tracker["DEBIAN-CVE-2023-4911"]
    assert looney.aliases == ("CVE-2023-4911",)
    assert looney.references == ("https://security-tracker.debian.org/tracker/CVE-2023-4911",)
    assert looney.summary.startswith("A buffer overflow was discovered in the GNU C Library")
    assert looney.severity == "HIGH"  # from the urgency
    # sid has no VERSION_ID, so no image is in its ecosystem; bullseye's "0" means not affected.
    assert {a.ecosystem for a in looney.affected} == {"Debian:12", "Debian:13"}
    assert tracker["DEBIAN-TEMP-0000000-8C61A0"].aliases == ()


def test_debian_fix_states(tracker):
    looney = tracker["DEBIAN-CVE-2023-4911"]
    assert state(looney, "Debian:12", "glibc", "2.36-9+deb12u2") == ("fixed", "2.36-9+deb12u3")
    assert state(looney, "Debian:12", "glibc", "2.36-9+deb12u3") is None
    assert state(looney, "Debian:11", "glibc", "2.31-13+deb11u5") is None  # resolved "0": not affected
    # open + unimportant, open + nodsa, open + nodsa "ignored": Debian will not fix them.
    assert state(tracker["DEBIAN-CVE-2016-2781"], "Debian:12", "coreutils", "9.1-1") == ("wont_fix", "")
    assert state(tracker["DEBIAN-CVE-2023-52356"], "Debian:12", "tiff", "4.5.0-6+deb12u1") == ("wont_fix", "")
    assert state(tracker["DEBIAN-CVE-2022-3219"], "Debian:12", "gnupg2", "2.2.40-1.1") == ("wont_fix", "")
    # open and "postponed", or open with an urgency: affected, no fix yet.
    assert state(tracker["DEBIAN-CVE-2023-52356"], "Debian:11", "tiff", "4.2.0-1+deb11u5") == ("unfixed", "")
    assert state(tracker["DEBIAN-CVE-2023-5678"], "Debian:11", "openssl", "1.1.1w-0+deb11u1") == ("unfixed", "")
    assert tracker["DEBIAN-CVE-2023-5678"].severity == "LOW"  # "low**"
    # Another release, another package: nothing.
    assert state(tracker["DEBIAN-CVE-2016-2781"], "Ubuntu:22.04", "coreutils", "8.32-4") is None
    assert state(tracker["DEBIAN-CVE-2016-2781"], "Debian:12", "coreutils-extra", "9.1-1") is None


def test_debian_matches_by_source_package():
    # libc6 is built from glibc; advisories name glibc, at the source version.
    record = parse_advisory(debian.parse_tracker(load("debian-tracker-excerpt.json"))["DEBIAN-CVE-2023-4911"])
    libc6 = Package(
        "libc6",
        "2.36-9+deb12u1",
        "deb",
        "pkg:deb/debian/libc6",
        "var/lib/dpkg/status",
        source_name="glibc",
        source_version="2.36-9+deb12u1",
    )
    name, version = match_name_and_version(libc6, "Debian:12")
    assert (name, version) == ("glibc", "2.36-9+deb12u1")
    assert state(record, "Debian:12", name, version) == ("fixed", "2.36-9+deb12u3")


@pytest.mark.parametrize(
    ("installed", "fixed", "affected"),
    [
        ("2.5-1", "1:2.0-1", True),  # an epoch outranks any upstream version
        ("1:2.0-1", "2.5-1", False),
        ("3.0.11-1~deb12u2", "3.0.13-1~deb12u1", True),
        ("3.0.13-1~deb12u1", "3.0.13-1", True),  # "~" sorts before everything, even the end
        ("3.0.13-1", "3.0.13-1~deb12u1", False),
        ("2.36-9+deb12u10", "2.36-9+deb12u3", False),  # numeric, not lexical
        ("4.5.1+git230720-4", "4.5.1+git230720-4", False),
    ],
)
def test_dpkg_ordering_decides(installed, fixed, affected):
    document = {"pkg": {"CVE-2000-1": {"releases": {"bookworm": {"status": "resolved", "fixed_version": fixed}}}}}
    advisory = parse_advisory(debian.parse_tracker(document)["DEBIAN-CVE-2000-1"])
    assert (affected_by(advisory, "Debian:12", "pkg", installed) is not None) is affected


def test_alpine_records_and_states(secdb):
    assert "ALPINE-CVE-2021-42373" not in secdb  # listed under "0": never affected
    assert {"ALPINE-CVE-2018-0734", "ALPINE-CVE-2018-0735"} <= set(secdb)  # two ids on one line
    assert "ALPINE-XSA-447" in secdb and secdb["ALPINE-CVE-2023-46837"].aliases == ("CVE-2023-46837",)
    busybox = secdb["ALPINE-CVE-2022-48174"]
    assert state(busybox, "Alpine:v3.19", "busybox", "1.36.1-r1") == ("fixed", "1.36.1-r2")
    assert state(busybox, "Alpine:v3.19", "busybox", "1.36.1-r2") is None
    assert state(busybox, "Alpine:v3.18", "busybox", "1.36.1-r1") is None  # another release's feed
    assert busybox.references == ("https://security.alpinelinux.org/vuln/CVE-2022-48174",)


@pytest.mark.parametrize(
    ("installed", "fixed", "affected"),
    [
        ("1.36.1-r6", "1.36.1-r17", True),  # -rN compared as numbers
        ("1.36.1-r17", "1.36.1-r6", False),
        ("1.36.1_rc1-r0", "1.36.1-r0", True),  # a release candidate comes before the release
        ("1.36.1_p1-r0", "1.36.1-r0", False),  # a patch level after it
        ("3.1.10-r0", "3.1.4-r5", False),
        ("1.2.4_git20230717-r4", "1.2.4_git20230717-r5", True),  # univers cannot read these
        ("1.2.4_git20230717-r0", "1.2.4-r0", False),  # a git snapshot comes after the release
        ("2.0_beta2-r0", "2.0_rc1-r0", True),
        ("1.0-r3", "1.0a-r0", True),  # a letter comes after the bare version
        ("1.0.05-r0", "1.0.5-r0", True),  # a leading zero reads as a fraction
    ],
)
def test_apk_ordering_decides(installed, fixed, affected):
    document = {"distroversion": "v3.19", "packages": [{"pkg": {"name": "pkg", "secfixes": {fixed: ["CVE-2000-1"]}}}]}
    advisory = parse_advisory(alpine.parse_secdb(document)["ALPINE-CVE-2000-1"])
    assert (affected_by(advisory, "Alpine:v3.19", "pkg", installed) is not None) is affected


def test_alpine_matches_by_origin():
    libcrypto = Package(
        "libcrypto3",
        "3.1.4-r0",
        "apk",
        "pkg:apk/alpine/libcrypto3",
        "lib/apk/db/installed",
        source_name="openssl",
        source_version="3.1.4-r0",
    )
    name, version = match_name_and_version(libcrypto, "Alpine:v3.19")
    record = parse_advisory(alpine.parse_secdb(load("alpine-v3.19-main-excerpt.json"))["ALPINE-CVE-2023-5678"])
    assert state(record, "Alpine:v3.19", name, version) == ("fixed", "3.1.4-r1")


def test_osv_debian_and_alpine_records_match_the_image_release():
    record = parse_advisory(
        {
            "id": "DSA-5514-1",
            "modified": "2023-10-03T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "Debian:12", "name": "glibc"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.36-9+deb12u3"}]}],
                },
                {
                    "package": {"ecosystem": "Alpine:v3.19", "name": "musl"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.4_git20230717-r5"}]}
                    ],
                },
            ],
        }
    )
    assert state(record, "Debian:12", "glibc", "2.36-9+deb12u1") == ("fixed", "2.36-9+deb12u3")
    assert state(record, "Debian:11", "glibc", "2.31-13") is None
    assert state(record, "Alpine:v3.19", "musl", "1.2.4_git20230717-r4") == ("fixed", "1.2.4_git20230717-r5")
    assert state(record, "Alpine:v3.18", "musl", "1.2.4-r2") is None


def test_osv_records_without_a_fix_are_unfixed():
    record = parse_advisory(
        {
            "id": "PYSEC-0000-1",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "x"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
                }
            ],
        }
    )
    assert state(record, "PyPI", "X", "1.0") == ("unfixed", "")


def test_merging_a_feed_again_changes_nothing_and_drops_what_it_no_longer_lists():
    first = alpine.parse_secdb(load("alpine-v3.19-main-excerpt.json"))
    changes = distro.merge_feed({}, first, feed="v3.19/main", modified="2026-01-01T00:00:00Z")
    assert set(changes.changed) == set(first) and not changes.removed
    stored = changes.changed
    assert distro.merge_feed(stored, first, feed="v3.19/main", modified="2026-02-01T00:00:00Z").changed == {}
    # The next snapshot of the same file no longer lists xen.
    document = load("alpine-v3.19-main-excerpt.json")
    document["packages"] = [item for item in document["packages"] if item["pkg"]["name"] != "xen"]
    again = distro.merge_feed(stored, alpine.parse_secdb(document), feed="v3.19/main", modified="2026-02-01T00:00:00Z")
    assert sorted(again.removed) == ["ALPINE-CVE-2023-46837", "ALPINE-XSA-447"]
    assert again.changed == {} and again.unchanged == len(first) - 2


def test_feeds_of_other_releases_are_kept_beside_each_other():
    v319 = alpine.parse_secdb(load("alpine-v3.19-main-excerpt.json"))
    stored = distro.merge_feed({}, v319, feed="v3.19/main", modified="2026-01-01T00:00:00Z").changed
    v320 = alpine.parse_secdb(load("alpine-v3.20-main-excerpt.json"))
    changes = distro.merge_feed(stored, v320, feed="v3.20/main", modified="2026-01-02T00:00:00Z")
    assert set(changes.changed) == {"ALPINE-CVE-2023-42363", "ALPINE-CVE-2023-42366"} and not changes.removed
    merged = parse_advisory(changes.changed["ALPINE-CVE-2023-42363"])
    assert merged.modified.isoformat().startswith("2026-01-02")
    assert state(merged, "Alpine:v3.19", "busybox", "1.36.1-r16") == ("fixed", "1.36.1-r17")
    assert state(merged, "Alpine:v3.20", "busybox", "1.36.1-r28") == ("fixed", "1.36.1-r29")
    # Emptying v3.20 leaves v3.19's entries in place.
    emptied = distro.merge_feed({**stored, **changes.changed}, {}, feed="v3.20/main", modified="2026-01-03T00:00:00Z")
    assert not emptied.removed
    assert [e["package"]["ecosystem"] for e in emptied.changed["ALPINE-CVE-2023-42363"]["affected"]] == ["Alpine:v3.19"]


def test_a_record_is_as_severe_as_its_worst_release():
    document = {
        "pkg": {
            "CVE-2000-1": {
                "releases": {
                    "bookworm": {"status": "open", "urgency": "low"},
                    "bullseye": {"status": "open", "urgency": "high"},
                }
            }
        }
    }
    records = distro.merge_feed({}, debian.parse_tracker(document), feed="debian", modified="2026-01-01T00:00:00Z")
    assert parse_advisory(records.changed["DEBIAN-CVE-2000-1"]).severity == "HIGH"
