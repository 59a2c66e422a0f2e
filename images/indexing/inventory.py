"""From layers to the image's OS and packages, each package attributed to the layer that
introduced it: the one call the indexing task makes after fetching the layer blobs.

Here each parser's outcome for a file it cannot read, or that is beyond its limits, is applied
(``packages`` says which parser does what): a package database fails the image with the reason
(``HostileLayer`` over a limit, ``CorruptLayer`` when unreadable, naming the file and its layer);
any other file is skipped, and listed with the reason in ``ImageInventory.skipped``.

Debian packages get their licence from ``usr/share/doc/<package>/copyright`` (``licenses``): the
walk keeps only the SPDX expression read from each file, and a package's doc directory may be a
symlink to another package's, followed inside the image as every path is.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from images.documents import size_text

from . import licenses, osrelease, packages
from .layers import ImageFiles, collect_files
from .limits import CorruptLayer, HostileLayer, LayerLimits
from .osrelease import OS_RELEASE_PATHS, OsRelease, parse_os_release
from .packages import OverLimit, Package, Parser, UnreadableFile


@dataclass(frozen=True)
class Skipped:
    """A file the inventory did not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class ImageInventory:
    os_release: OsRelease | None
    packages: list[Package]
    skipped: tuple[Skipped, ...] = ()
    uncompressed_sizes: dict[int, int] = field(default_factory=dict)  # layer_index -> bytes

    @property
    def ecosystem(self) -> str | None:
        """The OSV ecosystem of the OS packages, e.g. ``Debian:12``."""
        return self.os_release.osv_ecosystem if self.os_release else None


class _Outcomes:
    """The walk's callbacks, which also apply each parser's outcome for a file it cannot read."""

    def __init__(self):
        self.skipped: list[Skipped] = []

    def refuse(self, parser: Parser | None, path: str, error: UnreadableFile, layer_index: int | None) -> None:
        if parser is not None and parser.fails_image:
            failure = HostileLayer if isinstance(error, OverLimit) else CorruptLayer
            raise failure(f"{path}: {error}", layer_index)
        self.skipped.append(Skipped(path, str(error)))

    def wanted(self, path: str, mode: int, size: int) -> bool:
        if licenses.is_debian_copyright(path):
            if size > licenses.MAX_COPYRIGHT_BYTES:
                self.skipped.append(Skipped(path, _too_large(size, licenses.MAX_COPYRIGHT_BYTES, "a copyright file")))
                return False
            return True
        if path in OS_RELEASE_PATHS:
            if size > osrelease.MAX_BYTES:
                self.skipped.append(Skipped(path, _too_large(size, osrelease.MAX_BYTES, "an os-release file")))
                return False
            return True
        parser = packages.matching_parser(path, mode, size)
        if parser is None:
            return False
        if size > parser.max_bytes:
            # The walk gives a HostileLayer raised here the layer's index.
            self.refuse(parser, path, OverLimit(_too_large(size, parser.max_bytes, f"a {parser.name}")), None)
            return False
        return True

    def keep(self, path: str, data: bytes) -> bytes | None:
        if licenses.is_debian_copyright(path):
            # Only the licence is kept: a file that names none (free text) is as good as absent.
            expression = licenses.debian_copyright_license(data.decode("utf-8", "replace"))
            return expression.encode() if expression else None
        if path in OS_RELEASE_PATHS:
            return data
        try:
            return packages.excerpt(path, data)
        except UnreadableFile as error:
            self.refuse(packages.parser_for(path, data), path, error, None)
            return None


def _too_large(size: int, limit: int, what: str) -> str:
    return f"{size} bytes, more than the {size_text(limit)} {what} may be"


def find_os_release(files: ImageFiles) -> OsRelease | None:
    # etc/os-release is usually a symlink to ../usr/lib/os-release; resolve() follows it.
    for path in OS_RELEASE_PATHS:
        if (data := files.read(path)) is not None:
            return parse_os_release(data.decode("utf-8", "replace"))
    return None


def _identity(package: Package) -> tuple:
    return (package.type, package.name, package.version, package.arch, package.path)


def attribute_packages(
    files: ImageFiles, os_release: OsRelease | None, outcomes: _Outcomes | None = None
) -> list[Package]:
    """Parse the final version of every kept file, and give each package the layer_index of the
    oldest version of its file that already listed it, unbroken up to the final one.

    A package database is rewritten by every layer that installs something, so the layer that
    wrote the final file is not the one that installed most of what it lists. Only the final
    version's outcome counts: an earlier one that cannot be read just lists nothing.
    """
    outcomes = outcomes or _Outcomes()
    distro = packages.distro_for(os_release)
    found: list[Package] = []
    for path in files.paths():
        if path in OS_RELEASE_PATHS or licenses.is_debian_copyright(path):
            continue
        first_seen: dict[tuple, int] = {}
        final: list[Package] = []
        versions = files.versions[path]
        for number, version in enumerate(versions, start=1):
            try:
                final = packages.parse_file(path, version.data, distro)
            except UnreadableFile as error:
                final = []
                if number == len(versions):
                    outcomes.refuse(packages.parser_for(path, version.data), path, error, version.layer_index)
            listed = {_identity(package) for package in final}
            first_seen = {key: layer for key, layer in first_seen.items() if key in listed}
            for key in listed:
                first_seen.setdefault(key, version.layer_index)
        found.extend(replace(package, layer_index=first_seen[_identity(package)]) for package in final)
    return found


def with_debian_licenses(found: list[Package], files: ImageFiles) -> list[Package]:
    """Each Debian package with the licence of its ``usr/share/doc/<name>/copyright``, when that file
    is machine-readable."""
    licensed = []
    for package in found:
        if package.type == "deb" and not package.licenses:
            # The resolved path must be a copyright file too: a symlink may point anywhere.
            resolved = files.resolve(f"usr/share/doc/{package.name}/copyright")
            expression = files.read(resolved) if resolved and licenses.is_debian_copyright(resolved) else None
            if expression:
                package = replace(package, licenses=(expression.decode(),))
        licensed.append(package)
    return licensed


def index_layers(layers: Iterable[tuple[int, BinaryIO, str]], limits: LayerLimits | None = None) -> ImageInventory:
    """``layers`` are ``(layer_index, fileobj, media_type)``, base layer first. Raises
    ``limits.HostileLayer`` (a ``CorruptLayer`` for unreadable archives and package databases)."""
    outcomes = _Outcomes()
    files = collect_files(layers, outcomes.wanted, outcomes.keep, limits)
    os_release = find_os_release(files)
    found = with_debian_licenses(attribute_packages(files, os_release, outcomes), files)
    return ImageInventory(
        os_release=os_release,
        packages=found,
        skipped=tuple(outcomes.skipped),
        uncompressed_sizes=files.uncompressed_sizes,
    )
