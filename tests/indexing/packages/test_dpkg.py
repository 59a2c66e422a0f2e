from pathlib import Path

import pytest

from images.indexing.packages import Distro, Package, dpkg
from tests.helpers.integration import require_path

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dpkg"
DEBIAN_12 = Distro(namespace="debian", qualifier="debian-12")


def deb(name, version, arch, source_name=None, source_version=None, path=dpkg.STATUS_PATH):
    return Package(
        name=name,
        version=version,
        type="deb",
        purl=f"pkg:deb/debian/{name}@{version.replace('+', '%2B')}?arch={arch}&distro=debian-12",
        path=path,
        source_name=source_name or name,
        source_version=source_version or version,
        arch=arch,
    )


@pytest.mark.parametrize(
    "fixture, expected",
    [
        (
            "debian-12-excerpt.status",
            [
                deb("apt", "2.6.1", "amd64"),
                deb("base-files", "12.4+deb12u11", "amd64"),
                deb("bash", "5.2.15-2+b8", "amd64", "bash", "5.2.15-2"),
                deb("bsdutils", "1:2.38.1-5+deb12u3", "amd64", "util-linux", "2.38.1-5+deb12u3"),
                deb("libc6", "2.36-9+deb12u14", "amd64", "glibc"),
                deb("tzdata", "2025b-0+deb12u2", "all"),
            ],
        ),
    ],
)
def test_parse_status(fixture, expected):
    assert dpkg.parse_status((FIXTURES / fixture).read_text(), distro=DEBIAN_12) == expected


@pytest.mark.parametrize(
    "text, expected_names",
    [
        pytest.param(
            "Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: amd64\n",
            [],
            id="removed-package-with-conffiles-left",
        ),
        pytest.param(
            "Package: held\nStatus: hold ok installed\nVersion: 1.0\n\n"
            "Package: half\nStatus: install reinstreq half-installed\nVersion: 1.0\n",
            ["held"],
            id="held-installed-and-half-installed",
        ),
        pytest.param("Package: noversion\nStatus: install ok installed\n", [], id="no-version"),
        pytest.param("", [], id="empty"),
        pytest.param("\n\n\x00garbage: without package\n", [], id="garbage"),
        pytest.param(
            "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
            ["base-files"],
            id="distroless-status.d-stanza-has-no-status",
        ),
    ],
)
def test_parse_status_edge_cases(text, expected_names):
    assert [package.name for package in dpkg.parse_status(text)] == expected_names


def test_source_field_without_version_uses_the_binary_version():
    (package,) = dpkg.parse_status("Package: libc6\nVersion: 2.36-9\nSource: glibc\nArchitecture: amd64\n")
    assert (package.source_name, package.source_version) == ("glibc", "2.36-9")


def test_purl_defaults_to_debian_namespace_without_os_release():
    (package,) = dpkg.parse_status("Package: apt\nVersion: 2.6.1\nArchitecture: amd64\n")
    assert package.purl == "pkg:deb/debian/apt@2.6.1?arch=amd64"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("var/lib/dpkg/status", True),
        ("var/lib/dpkg/status.d/base-files", True),
        ("var/lib/dpkg/status.d/base-files.md5sums", False),
        ("var/lib/dpkg/status-old", False),
        ("var/lib/dpkg/available", False),
    ],
)
def test_is_dpkg_database(path, expected):
    assert dpkg.is_dpkg_database(path) is expected


def test_whole_status_file_of_this_machine():
    text = require_path(Path("/var/lib/dpkg/status"), "this machine's dpkg database").read_text()
    packages = dpkg.parse_status(text, distro=DEBIAN_12)
    installed = sum(1 for fields in dpkg.parse_stanzas(text) if fields.get("Status", "").endswith(" installed"))
    assert len(packages) == installed > 0
    assert all(package.version and package.source_name and package.source_version for package in packages)
    assert len({(package.name, package.arch) for package in packages}) == len(packages)
