from pathlib import Path

import pytest

from images.indexing.osrelease import OsRelease, osv_ecosystem, parse_os_release

FIXTURES = Path(__file__).parent / "fixtures" / "os-release"


def test_parse_real_debian_12():
    assert parse_os_release((FIXTURES / "debian-12").read_text()) == OsRelease(
        id="debian", version_id="12", pretty_name="Debian GNU/Linux 12 (bookworm)", version_codename="bookworm"
    )


@pytest.mark.parametrize(
    "text, expected_id, expected_version",
    [
        pytest.param('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n', "alpine", "3.19.1", id="alpine"),
        pytest.param('ID=\'rocky\'\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n', "rocky", "9.3", id="quotes"),
        pytest.param('# comment\n\nID=ubuntu\nVERSION_ID="22.04"\nJUNK\n', "ubuntu", "22.04", id="noise"),
        pytest.param('ID=debian\nPRETTY_NAME="Debian GNU/Linux trixie/sid"\n', "debian", "", id="testing"),
    ],
)
def test_parse_os_release(text, expected_id, expected_version):
    release = parse_os_release(text)
    assert (release.id, release.version_id) == (expected_id, expected_version)


@pytest.mark.parametrize("text", ["", "NAME=nothing\n", 'ID=""\n'])
def test_no_id_is_no_os_release(text):
    assert parse_os_release(text) is None


@pytest.mark.parametrize(
    "os_id, version_id, expected",
    [
        ("debian", "12", "Debian:12"),
        ("debian", "11", "Debian:11"),
        ("debian", "", None),
        ("ubuntu", "22.04", "Ubuntu:22.04"),
        ("alpine", "3.19.1", "Alpine:v3.19"),
        ("alpine", "3.20.0_alpha20240329", "Alpine:v3.20"),
        ("rocky", "9.3", "Rocky Linux:9"),
        ("almalinux", "8.9", "AlmaLinux:8"),
        ("opensuse-leap", "15.5", "openSUSE:Leap 15.5"),
        ("wolfi", "20230201", "Wolfi"),
        ("plan9", "4", None),
    ],
)
def test_osv_ecosystem(os_id, version_id, expected):
    assert osv_ecosystem(OsRelease(id=os_id, version_id=version_id)) == expected


def test_purl_distro():
    assert OsRelease(id="alpine", version_id="3.19.1").purl_distro == "alpine-3.19.1"
