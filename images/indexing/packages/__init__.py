"""Package parsers, one module per format, and the registry that says which file goes to which.

The layer walk asks ``is_interesting(path, mode, size)`` for every file, keeps
``excerpt(path, data)`` of the ones it wants, and the indexer calls ``parse_file`` on each.
Paths are relative to the image root, without a leading "/".
"""

import stat
from collections.abc import Callable
from dataclasses import dataclass

from ..osrelease import OsRelease
from . import apk, dpkg, golang, java, npm, python, rpm, ruby
from .model import Distro, Package

__all__ = ["Distro", "Package", "distro_for", "excerpt", "is_interesting", "parse_file", "parser_for"]

# Executables and archives are indexed only up to this size; larger ones are skipped rather than
# failing the layer (package databases, by contrast, must fit the walker's max_file_bytes).
MAX_BINARY_BYTES = 200 << 20


def _is_executable(mode: int, size: int) -> bool:
    # Go binaries can live anywhere; the executable bit is the only cheap hint before reading.
    return bool(mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)) and 0 < size <= MAX_BINARY_BYTES


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@dataclass(frozen=True)
class Parser:
    name: str
    matches: Callable[[str, int, int], bool]
    parse: Callable[[str, bytes, Distro | None], list[Package]]
    shrink: Callable[[bytes], bytes | None] | None = None


# Order matters: the first parser whose ``matches`` accepts a path handles it.
PARSERS = (
    Parser(
        "dpkg",
        lambda path, mode, size: dpkg.is_dpkg_database(path),
        lambda path, data, distro: dpkg.parse_status(_text(data), path, distro),
    ),
    Parser(
        "apk",
        lambda path, mode, size: path == apk.INSTALLED_PATH,
        lambda path, data, distro: apk.parse_installed(_text(data), path, distro),
    ),
    Parser(
        "rpm",
        lambda path, mode, size: path in rpm.SQLITE_PATHS,
        lambda path, data, distro: rpm.parse_sqlite_rpmdb(data, path, distro),
    ),
    Parser(
        "python",
        lambda path, mode, size: python.is_python_metadata(path),
        lambda path, data, distro: python.parse_metadata(_text(data), path),
    ),
    Parser(
        "npm",
        lambda path, mode, size: npm.is_npm_manifest(path),
        lambda path, data, distro: npm.parse_package_json(_text(data), path),
    ),
    Parser(
        "ruby",
        lambda path, mode, size: ruby.is_gem_specification(path),
        lambda path, data, distro: ruby.parse_gemspec(_text(data), path),
    ),
    Parser(
        "java",
        lambda path, mode, size: java.is_java_archive(path) and size <= MAX_BINARY_BYTES,
        lambda path, data, distro: java.parse_archive(data, path),
        java.archive_excerpt,
    ),
)

# Executables are not known by their path, so they are chosen by mode and recognised by content.
GO_BINARY = Parser(
    "go",
    lambda path, mode, size: _is_executable(mode, size),
    lambda path, data, distro: golang.parse_binary(data, path),
    golang.buildinfo_excerpt,
)


def parser_for(path: str, data: bytes = b"") -> Parser | None:
    by_path = next((parser for parser in PARSERS if parser.matches(path, 0o644, len(data))), None)
    if by_path is None and data.startswith((golang.ELF_MAGIC, golang.MAGIC)):
        return GO_BINARY
    return by_path


def is_interesting(path: str, mode: int = 0o644, size: int = 0) -> bool:
    """Should the layer walk read this file? Package databases by path, executables by mode."""
    return any(parser.matches(path, mode, size) for parser in (*PARSERS, GO_BINARY))


def excerpt(path: str, data: bytes) -> bytes | None:
    """What to keep of a wanted file: all of a package database, only the metadata of a binary or
    archive, nothing of an executable that turns out not to be a Go binary."""
    parser = parser_for(path, data)
    if parser is None:
        return None
    return parser.shrink(data) if parser.shrink else data


def parse_file(path: str, data: bytes, distro: Distro | None = None) -> list[Package]:
    """Packages in one file; [] for files no parser reads. Only ``rpm.RpmHeaderError`` is raised,
    for an rpm database that cannot be read; other parsers skip what they cannot read."""
    parser = parser_for(path, data)
    return parser.parse(path, data, distro) if parser else []


def distro_for(os_release: OsRelease | None) -> Distro | None:
    """The purl namespace and ``distro`` qualifier for OS packages of this image."""
    if os_release is None:
        return None
    return Distro(namespace=os_release.id, qualifier=os_release.purl_distro)
