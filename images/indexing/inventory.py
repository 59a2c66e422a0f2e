"""From layers to the image's OS and packages, each package attributed to the layer that
introduced it: the one call the indexing task makes after fetching the layer blobs.

Here each parser's outcome for a file it cannot read, or that is beyond its limits, is applied
(``packages`` says which parser does what): a package database fails the image with the reason
(``HostileLayer`` over a limit, ``CorruptLayer`` when unreadable, naming the file and its layer);
any other file is skipped, and listed with the reason in ``ImageInventory.skipped``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import BinaryIO

from images.documents import size_text

from . import osrelease, packages
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
        if path in OS_RELEASE_PATHS:
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


def index_layers(layers: Iterable[tuple[int, BinaryIO, str]], limits: LayerLimits | None = None) -> ImageInventory:
    """``layers`` are ``(layer_index, fileobj, media_type)``, base layer first. Raises
    ``limits.HostileLayer`` (a ``CorruptLayer`` for unreadable archives and package databases)."""
    outcomes = _Outcomes()
    files = collect_files(layers, outcomes.wanted, outcomes.keep, limits)
    os_release = find_os_release(files)
    found = attribute_packages(files, os_release, outcomes)
    return ImageInventory(os_release=os_release, packages=found, skipped=tuple(outcomes.skipped))
