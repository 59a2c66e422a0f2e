"""Package parsers, one module per format, and the registry that says which file goes to which.

The layer walk asks ``is_interesting(path, mode, size)`` for every file, keeps
``excerpt(path, data)`` of the ones it wants, and the indexer calls ``parse_file`` on each.
Paths are relative to the image root, without a leading "/".

Every parser is bounded (each module's docstring says how): a file larger than its parser's
``max_bytes`` is not read, and a parser raises ``UnreadableFile`` for a file it cannot read and
``OverLimit`` for one beyond its limits (too many packages, nested too deep). What that means for
the image is the parser's ``fails_image``, applied by the inventory:

- OS package databases (dpkg, apk, rpm) fail the image with the reason: without them every OS
  package, and every finding against one, would be silently missing;
- language packages, archives and binaries (python, npm, ruby, java, go) are skipped with the
  reason (``ImageInventory.skipped``, logged by the indexer): each file is one package or one
  application's, and the rest of the image is still worth indexing.
"""

import stat
from collections.abc import Callable
from dataclasses import dataclass

from ..osrelease import OsRelease
from . import apk, dpkg, golang, java, npm, python, rpm, ruby
from .model import Distro, OverLimit, Package, UnreadableFile

__all__ = [
    "Distro",
    "OverLimit",
    "Package",
    "Parser",
    "UnreadableFile",
    "distro_for",
    "excerpt",
    "is_interesting",
    "matching_parser",
    "parse_file",
    "parser_for",
]

# Executables and archives are indexed only up to this size; larger ones are skipped rather than
# failing the layer (package databases, by contrast, fail the image past their max_bytes).
MAX_BINARY_BYTES = 200 << 20


def _is_executable(mode: int, size: int) -> bool:
    # Go binaries can live anywhere; the executable bit is the only cheap hint before reading.
    return bool(mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)) and 0 < size <= MAX_BINARY_BYTES


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@dataclass(frozen=True)
class Parser:
    name: str  # as the reasons name the file: "dpkg database", "package.json" ...
    matches: Callable[[str, int, int], bool]
    parse: Callable[[str, bytes, Distro | None], list[Package]]
    max_bytes: int
    fails_image: bool = False  # an unreadable or over-limit file fails the image, else it is skipped
    shrink: Callable[[bytes], bytes | None] | None = None


# Order matters: the first parser whose ``matches`` accepts a path handles it.
PARSERS = (
    Parser(
        "dpkg database",
        lambda path, mode, size: dpkg.is_dpkg_database(path),
        lambda path, data, distro: dpkg.parse_status(_text(data), path, distro),
        dpkg.MAX_BYTES,
        fails_image=True,
    ),
    Parser(
        "apk database",
        lambda path, mode, size: path == apk.INSTALLED_PATH,
        lambda path, data, distro: apk.parse_installed(_text(data), path, distro),
        apk.MAX_BYTES,
        fails_image=True,
    ),
    Parser(
        "rpm database",
        lambda path, mode, size: path in rpm.SQLITE_PATHS,
        lambda path, data, distro: rpm.parse_sqlite_rpmdb(data, path, distro),
        rpm.MAX_BYTES,
        fails_image=True,
    ),
    Parser(
        "Python METADATA",
        lambda path, mode, size: python.is_python_metadata(path),
        lambda path, data, distro: python.parse_metadata(_text(data), path),
        python.MAX_BYTES,
    ),
    Parser(
        "package.json",
        lambda path, mode, size: npm.is_npm_manifest(path),
        lambda path, data, distro: npm.parse_package_json(_text(data), path),
        npm.MAX_BYTES,
    ),
    Parser(
        "gemspec",
        lambda path, mode, size: ruby.is_gem_specification(path),
        lambda path, data, distro: ruby.parse_gemspec(_text(data), path),
        ruby.MAX_BYTES,
    ),
    Parser(
        "Java archive",
        lambda path, mode, size: java.is_java_archive(path),
        lambda path, data, distro: java.parse_archive(data, path),
        MAX_BINARY_BYTES,
        shrink=java.archive_excerpt,
    ),
)

# Executables are not known by their path, so they are chosen by mode and recognised by content;
# a larger one is not even a candidate (most executables are not Go binaries).
GO_BINARY = Parser(
    "Go binary",
    lambda path, mode, size: _is_executable(mode, size),
    lambda path, data, distro: golang.parse_binary(data, path),
    MAX_BINARY_BYTES,
    shrink=golang.buildinfo_excerpt,
)


def matching_parser(path: str, mode: int = 0o644, size: int = 0) -> Parser | None:
    """The parser for a file the layer walk meets: by path, else by mode for executables."""
    return next((parser for parser in (*PARSERS, GO_BINARY) if parser.matches(path, mode, size)), None)


def parser_for(path: str, data: bytes = b"") -> Parser | None:
    by_path = next((parser for parser in PARSERS if parser.matches(path, 0o644, len(data))), None)
    if by_path is None and data.startswith((golang.ELF_MAGIC, golang.MAGIC)):
        return GO_BINARY
    return by_path


def is_interesting(path: str, mode: int = 0o644, size: int = 0) -> bool:
    """Should the layer walk read this file? Package databases by path, executables by mode, and
    only within their parser's ``max_bytes``."""
    parser = matching_parser(path, mode, size)
    return parser is not None and size <= parser.max_bytes


def excerpt(path: str, data: bytes) -> bytes | None:
    """What to keep of a wanted file: all of a package database, only the metadata of a binary or
    archive, nothing of an executable that turns out not to be a Go binary. Raises
    ``UnreadableFile`` (an archive that is not one, or beyond its limits)."""
    parser = parser_for(path, data)
    if parser is None:
        return None
    return parser.shrink(data) if parser.shrink else data


def parse_file(path: str, data: bytes, distro: Distro | None = None) -> list[Package]:
    """Packages in one file; [] for files no parser reads. Raises ``UnreadableFile`` (``OverLimit``
    for a limit) for a file its parser cannot read; ``parser_for(path, data).fails_image`` says
    what that means for the image."""
    parser = parser_for(path, data)
    return parser.parse(path, data, distro) if parser else []


def distro_for(os_release: OsRelease | None) -> Distro | None:
    """The purl namespace and ``distro`` qualifier for OS packages of this image."""
    if os_release is None:
        return None
    return Distro(namespace=os_release.id, qualifier=os_release.purl_distro)
