import json
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from images.indexing import osv_files, vulns
from images.indexing.packages import Package
from tests.helpers.integration import VULNDB, require_vulndb

SOURCES = [(VULNDB / "pypa" / "vulns", "PyPI", "0.0.0.dev0"), (VULNDB / "go" / "data" / "osv", "Go", "0.0.0-0")]


@pytest.fixture
def needs_vulndb():
    require_vulndb()


# Records whose `versions` list names versions that their own ranges leave out. Checked by hand:
# the lists come from git tags, the ranges from releases.
LISTED_OUTSIDE_RANGES = {
    # Pre-releases sort before "3.2"/"4.2", where the ECOSYSTEM range starts.
    ("PYSEC-2023-61", "django", "3.2a1"),
    ("PYSEC-2023-61", "django", "3.2b1"),
    ("PYSEC-2023-61", "django", "3.2rc1"),
    ("PYSEC-2023-61", "django", "4.2a1"),
    ("PYSEC-2023-61", "django", "4.2b1"),
    ("PYSEC-2023-61", "django", "4.2rc1"),
    # The fixed release itself is listed.
    ("PYSEC-2023-177", "gevent", "23.9.0"),
    ("PYSEC-2023-177", "gevent", "23.9.0.post1"),
    ("PYSEC-2024-1", "gratient", "0.5"),
    ("PYSEC-2021-114", "wagtail", "2.11.6"),
}


@pytest.fixture(scope="module")
def all_advisories():
    return [(ecosystem, lowest, list(osv_files.iter_advisories(source))) for source, ecosystem, lowest in SOURCES]


@pytest.fixture(scope="module")
def advisories(all_advisories):
    """The records still in force; withdrawn ones match nothing (see the test below)."""
    return [
        (ecosystem, lowest, [a for a in records if a.withdrawn is None])
        for ecosystem, lowest, records in all_advisories
    ]


@pytest.mark.usefixtures("needs_vulndb")
def test_withdrawn_records_match_nothing(all_advisories):
    withdrawn = [(ecosystem, a) for ecosystem, _lowest, records in all_advisories for a in records if a.withdrawn]
    assert withdrawn
    for ecosystem, advisory in withdrawn:
        for affected in advisory.affected:
            for version in affected.versions:
                assert vulns.affected_by(advisory, ecosystem, affected.name, version) is None


def only(advisory, affected, keep_versions=True):
    """The advisory reduced to one affected entry (records list a package once per range set)."""
    return replace(advisory, affected=(affected if keep_versions else replace(affected, versions=()),))


@pytest.mark.usefixtures("needs_vulndb")
def test_every_listed_version_matches(advisories):
    checked = 0
    for ecosystem, _lowest, records in advisories:
        for advisory in records:
            for affected in advisory.affected:
                for version in affected.versions:
                    match = vulns.affected_by(only(advisory, affected), ecosystem, affected.name, version)
                    assert match is not None, (advisory.id, affected.name, version)
                    checked += 1
    assert checked > 100_000


@pytest.mark.usefixtures("needs_vulndb")
def test_ranges_alone_cover_the_listed_versions(advisories):
    outside = set()
    for ecosystem, _lowest, records in advisories:
        for advisory in records:
            for affected in advisory.affected:
                ranges_only = only(advisory, affected, keep_versions=False)
                for version in affected.versions:
                    if vulns.affected_by(ranges_only, ecosystem, affected.name, version) is None:
                        outside.add((advisory.id, affected.name, version))
    assert outside == LISTED_OUTSIDE_RANGES


@pytest.mark.usefixtures("needs_vulndb")
def test_versions_outside_every_range_do_not_match(advisories):
    checked = 0
    for ecosystem, lowest, records in advisories:
        for advisory in records:
            for affected in advisory.affected:
                single = only(advisory, affected)
                events = [event for range_ in affected.ranges if range_.type != "GIT" for event in range_.events]
                outside = {event.version for event in events if event.kind == "fixed"}
                if not any(event.kind == "introduced" and event.version == "0" for event in events):
                    outside.add(lowest)
                for version in outside - set(affected.versions):
                    assert vulns.affected_by(single, ecosystem, affected.name, version) is None, (
                        advisory.id,
                        affected.name,
                        version,
                    )
                    checked += 1
    assert checked > 5_000


@pytest.mark.usefixtures("needs_vulndb")
def test_real_go_advisory_reports_the_fix():
    (advisory,) = osv_files.iter_advisories(VULNDB / "go" / "data" / "osv" / "GO-2020-0001.json")
    assert advisory.aliases == ("CVE-2020-36567", "GHSA-6vm3-jj99-7229")
    match = vulns.affected_by(advisory, "Go", "github.com/gin-gonic/gin", "v1.5.0")
    assert (match.fixed_in, match.severity) == ("1.6.0", "UNKNOWN")
    assert vulns.affected_by(advisory, "Go", "github.com/gin-gonic/gin", "v1.6.0") is None


@pytest.mark.usefixtures("needs_vulndb")
def test_real_pypa_advisory_with_cvss_and_pep503_names():
    (advisory,) = osv_files.iter_advisories(VULNDB / "pypa" / "vulns" / "accesscontrol" / "PYSEC-2021-335.yaml")
    match = vulns.affected_by(advisory, "PyPI", "AccessControl", "5.1")
    assert match.fixed_in == "5.2"
    assert vulns.affected_by(advisory, "PyPI", "Access_Control", "4.3") is None
    assert vulns.affected_by(advisory, "PyPI", "accesscontrol", "3.0") is None


def record(affected, **fields):
    return vulns.parse_advisory({"id": "TEST-1", "modified": "2024-01-01T00:00:00Z", "affected": affected, **fields})


def debian_entry(ecosystem="Debian:12", events=({"introduced": "0"}, {"fixed": "2.36-9+deb12u4"})):
    return [
        {
            "package": {"ecosystem": ecosystem, "name": "glibc"},
            "ranges": [{"type": "ECOSYSTEM", "events": list(events)}],
        }
    ]


# Two affected intervals closed by `fixed`, then capped by `limit`.
LOG4J_AFFECTED = [
    {
        "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
        "ranges": [
            {
                "type": "ECOSYSTEM",
                "events": [
                    {"introduced": "2.0-beta9"},
                    {"fixed": "2.15.0"},
                    {"introduced": "2.16.0"},
                    {"limit": "2.17.0"},
                ],
            }
        ],
    }
]


@pytest.mark.parametrize(
    "affected, ecosystem, name, version, expected_fixed",
    [
        pytest.param(debian_entry(), "Debian:12", "glibc", "2.36-9+deb12u3", "2.36-9+deb12u4", id="debian-below-fix"),
        pytest.param(debian_entry(), "Debian:12", "glibc", "2.36-9+deb12u4", None, id="debian-at-fix"),
        pytest.param(debian_entry(), "Debian:11", "glibc", "2.31-13", None, id="other-debian-release"),
        pytest.param(
            debian_entry("Debian"), "Debian:11", "glibc", "2.31-13", "2.36-9+deb12u4", id="release-less-ecosystem"
        ),
        pytest.param(debian_entry(), "Debian:12", "glibc", "1:2.0", None, id="epoch-outranks"),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "Alpine:v3.19", "name": "openssl"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.4-r3"}]}],
                }
            ],
            "Alpine:v3.19",
            "openssl",
            "3.1.4-r2",
            "3.1.4-r3",
            id="alpine-revision",
        ),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "openssl"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.2-0ubuntu1.12"}]}],
                }
            ],
            "Ubuntu:22.04",
            "openssl",
            "3.0.2-0ubuntu1.10",
            "3.0.2-0ubuntu1.12",
            id="ubuntu-lts-suffix",
        ),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "npm", "name": "lodash"},
                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "4.0.0"}, {"last_affected": "4.17.20"}]}],
                }
            ],
            "npm",
            "lodash",
            "4.17.20",
            "",
            id="last-affected-is-inclusive",
        ),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "npm", "name": "lodash"},
                    "ranges": [{"type": "SEMVER", "events": [{"introduced": "4.0.0"}, {"last_affected": "4.17.20"}]}],
                }
            ],
            "npm",
            "lodash",
            "4.17.21",
            "NO MATCH",
            id="after-last-affected",
        ),
        pytest.param(
            LOG4J_AFFECTED,
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            "2.15.0",
            id="maven-first-interval",
        ),
        pytest.param(
            LOG4J_AFFECTED,
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "2.17.1",
            "NO MATCH",
            id="at-or-above-limit",
        ),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "RubyGems", "name": "rack"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.2.8.1"}]}],
                }
            ],
            "RubyGems",
            "rack",
            "2.2.8",
            "2.2.8.1",
            id="rubygems",
        ),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "PyPI", "name": "x"},
                    "versions": ["not-a-version!"],
                    "ranges": [{"type": "GIT", "repo": "https://example.com/x", "events": [{"introduced": "0"}]}],
                }
            ],
            "PyPI",
            "x",
            "not-a-version!",
            "",
            id="listed-only-git-range-ignored",
        ),
        pytest.param(
            [
                {
                    "package": {"ecosystem": "Rocky Linux:9", "name": "bash"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "0:5.1.8-9.el9"}]}],
                }
            ],
            "Rocky Linux:9",
            "bash",
            "5.1.8-6.el9",
            "0:5.1.8-9.el9",
            id="rpm",
        ),
    ],
)
def test_affected_by(affected, ecosystem, name, version, expected_fixed):
    match = vulns.affected_by(record(affected), ecosystem, name, version)
    if expected_fixed in (None, "NO MATCH"):
        assert match is None
    else:
        assert match.fixed_in == expected_fixed


def test_withdrawn_advisories_match_nothing():
    advisory = record(debian_entry(), withdrawn="2024-02-01T00:00:00Z")
    assert advisory.withdrawn is not None
    assert vulns.affected_by(advisory, "Debian:12", "glibc", "2.36-9") is None


@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            {"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]},
            ("CRITICAL", 9.8),
        ),
        ({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N"}]}, ("LOW", 2.8)),
        (
            {
                "severity": [
                    {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
                ]
            },
            ("CRITICAL", 9.3),
        ),
        (
            {"severity": [{"type": "CVSS_V3", "score": "garbage"}], "database_specific": {"severity": "MODERATE"}},
            ("MEDIUM", None),
        ),
        ({"database_specific": {"severity": "HIGH"}}, ("HIGH", None)),
        ({}, ("UNKNOWN", None)),
    ],
)
def test_severity(fields, expected):
    advisory = record([], **fields)
    assert (advisory.severity, advisory.cvss_score) == expected


def test_debian_packages_match_by_source_name():
    libc = Package(
        name="libc6",
        version="2.36-9+deb12u3",
        type="deb",
        purl="",
        path="",
        source_name="glibc",
        source_version="2.36-9+deb12u3",
    )
    assert vulns.match_name_and_version(libc, "Debian:12") == ("glibc", "2.36-9+deb12u3")
    assert vulns.package_ecosystem(libc, "Debian:12") == "Debian:12"
    six = Package(name="six", version="1.16.0", type="pypi", purl="", path="")
    assert vulns.match_name_and_version(six, "PyPI") == ("six", "1.16.0")
    assert vulns.package_ecosystem(six, "Debian:12") == "PyPI"


@pytest.mark.parametrize(
    "text",
    [b"", b"[]", b"{not json", b"id: [unclosed", b'{"summary": "no id"}', "- just\n- a list\n"],
)
def test_broken_records(text):
    with pytest.raises(vulns.AdvisoryError):
        vulns.parse_advisory(text)


YAML_ALIAS_BOMB = "id: BOMB\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(7)
)


@pytest.mark.parametrize(
    "text, reason",
    [
        pytest.param(
            "[" * 100_000 + "]" * 100_000, "the record is nested deeper than 64 levels", id="json-100000-deep"
        ),
        pytest.param(
            '{"id": "DEEP", "x": ' + "[" * 65 + "]" * 65 + "}", "the record is nested deeper", id="json-65-deep"
        ),
        pytest.param("id: DEEP\nx: " + "[" * 100_000 + "]" * 100_000, "the record is nested deeper", id="yaml-deep"),
        pytest.param(YAML_ALIAS_BOMB, "the record holds more than 1000000 values (YAML aliases", id="yaml-aliases"),
        pytest.param(
            '{"id": "X", "x": "' + "y" * osv_files.MAX_RECORD_BYTES + '"}',
            "the record is 8388628 bytes, more than the 8 MiB allowed",
            id="big",
        ),
        pytest.param('{"id": "X", "affected": [1]}', "not an OSV record, a field has the wrong type", id="wrong-type"),
        pytest.param(
            '{"id": "X", "affected": [{"ranges": [{"events": ["x"]}]}]}',
            "not an OSV record, a field has the wrong type",
            id="wrong-event",
        ),
        pytest.param(
            '{"id": "X", "references": [7]}', "not an OSV record, a field has the wrong type", id="wrong-reference"
        ),
    ],
)
def test_hostile_records_say_why(text, reason):
    with pytest.raises(vulns.AdvisoryError) as raised:
        vulns.parse_advisory(text)
    assert str(raised.value).startswith(reason)


def test_a_record_is_read_from_a_zip_only_up_to_its_limit(tmp_path):
    with zipfile.ZipFile(tmp_path / "all.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BOMB.json", b" " * (osv_files.MAX_RECORD_BYTES + 1))
        archive.writestr("OK.json", json.dumps({"id": "OK"}))
    bomb, ok = osv_files.advisory_files(tmp_path / "all.zip")
    with pytest.raises(vulns.AdvisoryError, match="the record is more than the 8 MiB a record may be"):
        bomb.read()
    assert vulns.parse_advisory(ok.read()).id == "OK"


def test_reading_a_zip_a_directory_and_a_file(tmp_path):
    first = {"id": "TEST-1", "modified": "2024-05-06T07:08:09.123456789Z", "affected": debian_entry()}
    (tmp_path / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "dir" / "sub" / "TEST-1.json").write_text(json.dumps(first))
    (tmp_path / "dir" / "TEST-2.yaml").write_text("id: TEST-2\nmodified: '2024-01-01T00:00:00Z'\n")
    (tmp_path / "dir" / "README.md").write_text("not a record")
    with zipfile.ZipFile(tmp_path / "all.zip", "w") as archive:
        archive.writestr("TEST-1.json", json.dumps(first))
        archive.writestr("TEST-2.yaml", "id: TEST-2\n")

    assert [a.id for a in osv_files.iter_advisories(tmp_path / "dir")] == ["TEST-2", "TEST-1"]
    assert [f.name for f in osv_files.advisory_files(tmp_path / "all.zip")] == ["TEST-1.json", "TEST-2.yaml"]
    (single,) = osv_files.iter_advisories(tmp_path / "dir" / "sub" / "TEST-1.json")
    assert single.modified.isoformat() == "2024-05-06T07:08:09.123456+00:00"


def test_a_broken_record_names_its_file(tmp_path):
    (tmp_path / "BAD.json").write_text("{broken")
    with pytest.raises(vulns.AdvisoryError, match="BAD.json"):
        list(osv_files.iter_advisories(tmp_path))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05.123456789Z", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
        ("2024-01-02T03:04:05.5Z", datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
        ("2024-01-02T05:04:05+02:00", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02 03:04:05z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02", datetime(2024, 1, 2, tzinfo=UTC)),
        (datetime(2024, 1, 2, 3, 4, 5), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (date(2024, 1, 2), datetime(2024, 1, 2, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
        (20240102, None),
    ],
)
def test_osv_times_in_every_form_the_schema_and_yaml_give(value, expected):
    parsed = vulns.parse_osv_time(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


def test_unquoted_yaml_timestamps_keep_their_dates():
    advisory = vulns.parse_advisory(
        "id: PYSEC-0000-1\nmodified: 2023-08-17T03:22:31.453589Z\npublished: 2022-11-12T20:15:00Z\n"
        "withdrawn: 2023-08-22\n"
    )
    assert advisory.modified == datetime(2023, 8, 17, 3, 22, 31, 453589, tzinfo=UTC)
    assert advisory.published == datetime(2022, 11, 12, 20, 15, tzinfo=UTC)
    assert advisory.withdrawn == datetime(2023, 8, 22, tzinfo=UTC)


_RAW_TIME = re.compile(r"^(published|modified|withdrawn):\s*['\"]?([^'\"\s]+)['\"]?\s*$", re.MULTILINE)


def raw_times(name: str, data: bytes) -> dict[str, str]:
    """The record's own date strings, read from its text (not through YAML, which decodes them)."""
    if name.endswith(".json"):
        record = json.loads(data)
        return {key: record[key] for key in ("published", "modified", "withdrawn") if key in record}
    return dict(_RAW_TIME.findall(data.decode()))


def expected_time(text: str) -> datetime:
    # Every record in the snapshot writes UTC with "Z", with or without a fraction.
    whole, _, fraction = text.removesuffix("Z").partition(".")
    moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return moment.replace(microsecond=int(fraction[:6].ljust(6, "0"))) if fraction else moment


@pytest.mark.usefixtures("needs_vulndb")
def test_every_record_of_the_snapshot_keeps_its_dates():
    checked = withdrawn = published = 0
    for source, _ecosystem, _lowest in SOURCES:
        for record_file in osv_files.advisory_files(source):
            data = record_file.read()
            advisory = vulns.parse_advisory(data)
            raw = raw_times(record_file.name, data)
            assert "modified" in raw, record_file.name  # the one date the schema requires
            for key in ("published", "modified", "withdrawn"):
                parsed = getattr(advisory, key)
                assert parsed == (expected_time(raw[key]) if key in raw else None), (record_file.name, key)
            checked += 1
            withdrawn += advisory.withdrawn is not None
            published += advisory.published is not None
    assert (checked, withdrawn) == (2661 + 4291, 10 + 17)
    assert published == 2652 + 4291  # the 267 records the issue found without a date now have theirs


V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
V20 = "AV:N/AC:L/Au:N/C:P/I:P/A:P"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"id": "PYSEC-1", "severity": [{"type": "CVSS_V3", "score": V31}]}, ("CRITICAL", "CVSS 3.1 vector")),
        ({"id": "X-1", "severity": [{"type": "CVSS_V4", "score": V40}]}, ("CRITICAL", "CVSS 4.0 vector")),
        (
            {"id": "X-1", "severity": [{"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}]},
            ("HIGH", "CVSS 2.0 vector"),
        ),
        ({"id": "GHSA-1", "database_specific": {"severity": "MODERATE"}}, ("MEDIUM", "GitHub database_specific")),
        ({"id": "OSV-2024-1", "database_specific": {"severity": "high"}}, ("HIGH", "OSV database_specific")),
        ({"id": "PYSEC-1", "database_specific": {"severity": "whatever"}}, ("UNKNOWN", "")),
    ],
)
def test_severity_names_its_source(fields, expected):
    advisory = record([], **fields)
    assert (advisory.severity, advisory.severity_source) == expected
