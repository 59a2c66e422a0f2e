"""From layers to the image's OS and packages, each package attributed to the layer that
introduced it: the one call the indexing task makes after fetching the layer blobs."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import BinaryIO

from . import packages
from .layers import ImageFiles, collect_files
from .limits import LayerLimits
from .osrelease import OS_RELEASE_PATHS, OsRelease, parse_os_release
from .packages import Package


@dataclass(frozen=True)
class ImageInventory:
    os_release: OsRelease | None
    packages: list[Package]

    @property
    def ecosystem(self) -> str | None:
        """The OSV ecosystem of the OS packages, e.g. ``Debian:12``."""
        return self.os_release.osv_ecosystem if self.os_release else None


def _wanted(path: str, mode: int, size: int) -> bool:
    return path in OS_RELEASE_PATHS or packages.is_interesting(path, mode, size)


def _keep(path: str, data: bytes) -> bytes | None:
    return data if path in OS_RELEASE_PATHS else packages.excerpt(path, data)


def find_os_release(files: ImageFiles) -> OsRelease | None:
    # etc/os-release is usually a symlink to ../usr/lib/os-release; resolve() follows it.
    for path in OS_RELEASE_PATHS:
        if (data := files.read(path)) is not None:
            return parse_os_release(data.decode("utf-8", "replace"))
    return None


def _identity(package: Package) -> tuple:
    return (package.type, package.name, package.version, package.arch, package.path)


def attribute_packages(files: ImageFiles, os_release: OsRelease | None) -> list[Package]:
    """Parse the final version of every kept file, and give each package the layer_index of the
    oldest version of its file that already listed it, unbroken up to the final one.

    A package database is rewritten by every layer that installs something, so the layer that
    wrote the final file is not the one that installed most of what it lists.
    """
    distro = packages.distro_for(os_release)
    found: list[Package] = []
    for path in files.paths():
        if path in OS_RELEASE_PATHS:
            continue
        first_seen: dict[tuple, int] = {}
        final: list[Package] = []
        for version in files.versions[path]:
            final = packages.parse_file(path, version.data, distro)
            listed = {_identity(package) for package in final}
            first_seen = {key: layer for key, layer in first_seen.items() if key in listed}
            for key in listed:
                first_seen.setdefault(key, version.layer_index)
        found.extend(replace(package, layer_index=first_seen[_identity(package)]) for package in final)
    return found


def index_layers(layers: Iterable[tuple[int, BinaryIO, str]], limits: LayerLimits | None = None) -> ImageInventory:
    """``layers`` are ``(layer_index, fileobj, media_type)``, base layer first. Raises
    ``layers.HostileLayer`` (a ``CorruptLayer`` for unreadable archives) and
    ``packages.rpm.RpmHeaderError``."""
    files = collect_files(layers, _wanted, _keep, limits)
    os_release = find_os_release(files)
    return ImageInventory(os_release=os_release, packages=attribute_packages(files, os_release))
