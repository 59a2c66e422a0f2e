"""The one record every package parser returns, the errors a parser raises for a file it cannot
read, and what every parser is bounded by."""

import io
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


def lines(text: str) -> Iterator[str]:
    """The lines of ``text`` without their ends (``\n``, ``\r\n`` or ``\r``), one at a time:
    ``splitlines()`` would hold a list as long as the file."""
    for line in io.StringIO(text, newline=None):
        yield line[:-1] if line.endswith("\n") else line


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
