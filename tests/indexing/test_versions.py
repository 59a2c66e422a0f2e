import pytest

from images.indexing.versions import (
    InvalidVersion,
    UnsupportedEcosystem,
    compare_versions,
    ecosystem_base,
    normalize_name,
    version_key,
)


@pytest.mark.parametrize(
    "ecosystem, older, newer",
    [
        ("Debian:12", "2.36-9+deb12u3", "2.36-9+deb12u4"),
        ("Debian:12", "2.36-9+deb12u13", "1:2.0-1"),  # epoch
        ("Debian:12", "1.0~rc1-1", "1.0-1"),  # tilde sorts before release
        ("Ubuntu:22.04", "3.0.2-0ubuntu1.10", "3.0.2-0ubuntu1.12"),
        ("Alpine:v3.19", "1.2.4-r1", "1.2.4-r10"),
        ("Alpine:v3.19", "3.1.4_rc1-r0", "3.1.4-r0"),
        ("Rocky Linux:9", "5.1.8-6.el9", "5.1.8-9.el9"),
        ("Red Hat", "1.10-1", "1:1.2-1"),
        ("openSUSE:Leap 15.5", "1.2-150500.1.1", "1.10-150500.1.1"),
        ("PyPI", "1.0rc1", "1.0"),
        ("PyPI", "1.0", "1.0.post1"),
        ("PyPI", "2004d", "0.1"),  # pre-PEP 440 versions sort first
        ("npm", "1.0.0-alpha", "1.0.0"),
        ("npm", "1.2.9", "1.2.10"),
        ("Go", "v0.0.0-20210101000000-abcdef123456", "v0.1.0"),
        ("Go", "1.21.0-rc.1", "go1.21.0"),
        ("Maven", "2.0-beta9", "2.0"),
        ("Maven", "2.14.1", "2.15.0"),
        ("RubyGems", "2.2.8", "2.2.8.1"),
        ("crates.io", "0.9.9", "0.10.0"),
        ("NuGet", "4.0.0-preview", "4.0.0"),
    ],
)
def test_ordering(ecosystem, older, newer):
    assert compare_versions(ecosystem, older, newer) == -1
    assert compare_versions(ecosystem, newer, older) == 1
    assert compare_versions(ecosystem, older, older) == 0


@pytest.mark.parametrize(
    "ecosystem, left, right",
    [("PyPI", "1.0", "1.0.0"), ("Go", "v1.2.3", "1.2.3"), ("Debian", "1.0-1", "0:1.0-1")],
)
def test_equal_spellings(ecosystem, left, right):
    assert compare_versions(ecosystem, left, right) == 0


@pytest.mark.parametrize(
    "ecosystem, version", [("Go", "not a version"), ("PyPI", ""), ("npm", "x.y.z"), ("PyPI", "!!!")]
)
def test_invalid_versions(ecosystem, version):
    with pytest.raises(InvalidVersion):
        version_key(ecosystem, version)


def test_unsupported_ecosystem():
    with pytest.raises(UnsupportedEcosystem):
        version_key("Plan9", "1")


@pytest.mark.parametrize(
    "ecosystem, name, expected",
    [
        ("PyPI", "Django", "django"),
        ("PyPI", "zope.interface", "zope-interface"),
        ("PyPI", "ruamel_yaml", "ruamel-yaml"),
        ("crates.io", "Serde", "serde"),
        ("Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"),
        ("Debian:12", "glibc", "glibc"),
        ("npm", "@npmcli/arborist", "@npmcli/arborist"),
    ],
)
def test_normalize_name(ecosystem, name, expected):
    assert normalize_name(ecosystem, name) == expected


def test_ecosystem_base():
    assert ecosystem_base("Ubuntu:22.04:LTS") == "Ubuntu"
    assert ecosystem_base("PyPI") == "PyPI"
