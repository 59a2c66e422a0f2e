"""Versions compared the way each OSV ecosystem orders them, and package names normalised the way
each ecosystem's advisories spell them.

Ecosystem names may carry a release suffix (``Debian:12``, ``Alpine:v3.19``, ``Ubuntu:22.04:LTS``):
ordering depends only on the part before the first colon.
"""

import re
from functools import lru_cache
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion as InvalidPep440Version
from packaging.version import Version as Pep440Version
from univers import versions as univers_versions

from .apkversion import apk_version_key


class UnsupportedEcosystem(ValueError):
    pass


InvalidVersion = univers_versions.InvalidVersion  # a ValueError, raised for unparseable versions

_RPM_ECOSYSTEMS = {
    "Red Hat",
    "Rocky Linux",
    "AlmaLinux",
    "openSUSE",
    "SUSE",
    "Mariner",
    "Azure Linux",
    "Photon OS",
    "Oracle Linux",
    "Fedora",
    "CentOS",
}
_UNIVERS_CLASS = {
    "Debian": univers_versions.DebianVersion,
    "Ubuntu": univers_versions.DebianVersion,
    "Maven": univers_versions.MavenVersion,
    "RubyGems": univers_versions.RubygemsVersion,
    "NuGet": univers_versions.NugetVersion,
    "Packagist": univers_versions.ComposerVersion,
    "npm": univers_versions.SemverVersion,
    "crates.io": univers_versions.SemverVersion,
    "Hex": univers_versions.SemverVersion,
    "Pub": univers_versions.SemverVersion,
    **{name: univers_versions.RpmVersion for name in _RPM_ECOSYSTEMS},
}
# apk ordering is our own (see apkversion.py): univers gets ">=" wrong for Alpine versions.
_APK_ECOSYSTEMS = frozenset({"Alpine", "Wolfi", "Chainguard"})
SUPPORTED_ECOSYSTEMS = frozenset({*_UNIVERS_CLASS, *_APK_ECOSYSTEMS, "PyPI", "Go"})


def ecosystem_base(ecosystem: str) -> str:
    """``Debian:12`` -> ``Debian``."""
    return ecosystem.split(":", 1)[0].strip()


def normalize_name(ecosystem: str, name: str) -> str:
    base = ecosystem_base(ecosystem)
    if base == "PyPI":
        return canonicalize_name(name)  # PEP 503: case, "-", "_" and "." do not matter
    if base in {"crates.io", "NuGet", "Packagist"}:
        return name.lower()  # registries that treat names case-insensitively
    return name


_PEP440_PARTS = re.compile(r"(\d+|[a-z]+|\.|-)")


def _pypi_key(version: str) -> tuple:
    # Versions older than PEP 440 ("1.0-beta-2", "2004d") still appear in PyPI advisories; they sort
    # before every PEP 440 version, as setuptools' LegacyVersion did.
    try:
        return (1, Pep440Version(version))
    except InvalidPep440Version:
        parts = tuple(
            (0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in _PEP440_PARTS.findall(version.lower())
            if part not in ".-"
        )
        if not parts:
            raise InvalidVersion(f"not a PyPI version: {version!r}") from None
        return (0, parts)


def _semver(version: str) -> univers_versions.SemverVersion:
    # Go writes module versions "v1.2.3" and toolchains "go1.21.5"; OSV SEMVER values have no prefix.
    return univers_versions.SemverVersion(re.sub(r"^(v|go)(?=\d)", "", version.strip()))


@lru_cache(maxsize=65536)
def version_key(ecosystem: str, version: str) -> Any:
    """A value that orders like the ecosystem orders ``version``. Raises ``InvalidVersion``
    (a ValueError) for what the ecosystem cannot parse, ``UnsupportedEcosystem`` otherwise."""
    base = ecosystem_base(ecosystem)
    if not version:
        raise InvalidVersion("empty version")
    if base == "PyPI":
        return _pypi_key(version)
    if base == "Go":
        return _semver(version)
    if base in _APK_ECOSYSTEMS:
        try:
            return apk_version_key(version)
        except ValueError as error:
            raise InvalidVersion(str(error)) from None
    version_class = _UNIVERS_CLASS.get(base)
    if version_class is None:
        raise UnsupportedEcosystem(f"no version ordering for ecosystem {ecosystem!r}")
    if version_class is univers_versions.SemverVersion:
        return _semver(version)
    return version_class(version)


@lru_cache(maxsize=65536)
def semver_key(version: str) -> univers_versions.SemverVersion:
    """Ordering for OSV ``SEMVER`` ranges, whatever the ecosystem."""
    return _semver(version)


def compare_versions(ecosystem: str, left: str, right: str) -> int:
    """-1, 0 or 1, as ``left`` is older than, the same as, or newer than ``right``."""
    left_key, right_key = version_key(ecosystem, left), version_key(ecosystem, right)
    return (left_key > right_key) - (left_key < right_key)
