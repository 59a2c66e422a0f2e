"""The one record every package parser returns, the errors a parser raises for a file it cannot
read, and what every parser is bounded by."""

from collections.abc import Iterator
from dataclasses import dataclass

from packageurl import PackageURL

# More than any one real file lists: Debian's whole archive is about 65,000 packages an architecture.
MAX_PACKAGES_PER_FILE = 100_000


class UnreadableFile(ValueError):
    """A package file its parser cannot read (corrupt); the message says why, in words."""


class OverLimit(UnreadableFile):
    """A package file beyond what its parser reads: too large, too many packages, nested too deep."""


def check_count(packages: list) -> None:
    """Call before adding a package: a file listing more than ``MAX_PACKAGES_PER_FILE`` is refused
    while it is read, before its packages fill memory."""
    if len(packages) >= MAX_PACKAGES_PER_FILE:
        raise OverLimit(f"lists more than {MAX_PACKAGES_PER_FILE} packages")


def lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """``text.splitlines()``, a piece at a time: the whole list would cost some 50 bytes a line,
    however short the lines (a file of empty ones is 25 times its size). Pieces end at a newline,
    so every line ends where ``splitlines`` would end it."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + chunk)
        end = len(text) if end < 0 else end + 1
        yield from text[start:end].splitlines()
        start = end


@dataclass(frozen=True)
class Package:
    """A package found in an image.

    ``type`` is the purl type (deb, apk, rpm, pypi, npm, golang, maven, gem). For OS packages
    ``source_name``/``source_version`` name the source package, which is what Debian, Ubuntu and
    Alpine advisories are written against. ``layer_index`` is filled in by the layer walk.
    """

    name: str
    version: str
    type: str
    purl: str
    path: str
    source_name: str = ""
    source_version: str = ""
    licenses: tuple[str, ...] = ()
    arch: str = ""
    layer_index: int | None = None


@dataclass(frozen=True)
class Distro:
    """What OS package purls need to know about the image's distribution."""

    namespace: str  # debian, ubuntu, alpine, rocky ...
    qualifier: str = ""  # debian-12, alpine-3.19.1 ...


def make_purl(type: str, name: str, version: str, namespace: str = "", **qualifiers: str) -> str:
    qualifiers = {key: value for key, value in qualifiers.items() if value}
    return PackageURL(
        type=type, namespace=namespace or None, name=name, version=version or None, qualifiers=qualifiers
    ).to_string()


def os_package(
    type: str,
    distro: Distro,
    *,
    name: str,
    version: str,
    path: str,
    arch: str,
    source_name: str,
    source_version: str,
    licenses: tuple[str, ...] = (),
    purl_version: str | None = None,
    **purl_qualifiers: str,
) -> Package:
    """A package of the distribution's own package manager (deb, apk, rpm): its purl names the
    distribution (pkg:deb/debian/curl@7.88.1?arch=amd64&distro=debian-12), as advisories do."""
    purl = make_purl(
        type, name, purl_version or version, distro.namespace, arch=arch, **purl_qualifiers, distro=distro.qualifier
    )
    return Package(name, version, type, purl, path, source_name, source_version, licenses, arch)  # in its field order
