"""RPM packages from the SQLite rpmdb (``var/lib/rpm/rpmdb.sqlite``, rpm >= 4.16: Fedora 33+, RHEL 9,
Rocky/AlmaLinux 9, openSUSE). Each row of its ``Packages`` table is one package header blob.

The older BerkeleyDB ``Packages`` and NDB ``Packages.db`` stores hold the same header blobs but in
their own page formats; they are not read here (rpm on this project's build machine can only write
SQLite databases, so there is no real fixture to test a reader against).

Header blob layout (rpm ``lib/header.c``, "header blob" without the lead magic): two big-endian
int32s ``index_count`` and ``data_length``, then ``index_count`` 16-byte entries
``(tag, type, offset, count)``, then the data store they point into.

Bounds: the database comes from the image, so its ``Packages`` must be a plain table (a view could
compute rows without end), no value may be larger than ``MAX_VALUE_BYTES``, the header blobs read
may not add up to more than the database holds (generated columns could make them up), and more
than ``MAX_PACKAGES_PER_FILE`` packages is ``OverLimit``. Rows are read one at a time. A database
that cannot be read raises ``RpmHeaderError``; what that means for the image is decided in
``packages`` (it fails: without it the image's OS packages would be silently missing).
"""

import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Distro, OverLimit, Package, UnreadableFile, check_count, os_package

SQLITE_PATHS = ("var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite")
MAX_BYTES = 256 << 20  # it holds every header whole: a Fedora workstation's is about 100 MiB
MAX_VALUE_BYTES = 64 << 20  # one header blob; the largest real ones (long file lists) are a few MiB

TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH = 1000, 1001, 1002, 1003
TAG_LICENSE, TAG_ARCH, TAG_SOURCERPM = 1014, 1022, 1044
TYPE_INT32, TYPE_STRING, TYPE_STRING_ARRAY, TYPE_I18NSTRING = 4, 6, 8, 9

# A real header has a few hundred entries; bound it so a crafted blob cannot make us loop for long.
MAX_INDEX_ENTRIES = 65536


class RpmHeaderError(UnreadableFile):
    pass


@dataclass(frozen=True)
class RpmHeader:
    name: str
    version: str
    release: str
    epoch: int | None
    arch: str
    license: str
    source_rpm: str


def parse_header_blob(blob: bytes) -> RpmHeader:
    if len(blob) < 8:
        raise RpmHeaderError("header blob too short")
    index_count, data_length = struct.unpack(">ii", blob[:8])
    data_start = 8 + 16 * index_count
    if not 0 < index_count <= MAX_INDEX_ENTRIES or data_length < 0 or data_start + data_length > len(blob):
        raise RpmHeaderError("header blob sizes out of range")
    store = blob[data_start : data_start + data_length]
    values: dict[int, str | int] = {}
    for entry in range(index_count):
        tag, kind, offset, count = struct.unpack(">iiii", blob[8 + 16 * entry : 24 + 16 * entry])
        if tag not in {TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH, TAG_LICENSE, TAG_ARCH, TAG_SOURCERPM}:
            continue
        if not 0 <= offset < len(store):
            raise RpmHeaderError(f"tag {tag} points outside the data store")
        if kind == TYPE_INT32 and count >= 1 and offset + 4 <= len(store):
            values[tag] = struct.unpack(">i", store[offset : offset + 4])[0]
        elif kind in {TYPE_STRING, TYPE_STRING_ARRAY, TYPE_I18NSTRING}:
            end = store.find(b"\0", offset)
            values[tag] = store[offset : end if end >= 0 else len(store)].decode("utf-8", "replace")
    if TAG_NAME not in values or TAG_VERSION not in values:
        raise RpmHeaderError("header has no name or version")
    epoch = values.get(TAG_EPOCH)
    return RpmHeader(
        name=str(values[TAG_NAME]),
        version=str(values[TAG_VERSION]),
        release=str(values.get(TAG_RELEASE, "")),
        epoch=epoch if isinstance(epoch, int) else None,
        arch=str(values.get(TAG_ARCH, "")),
        license=str(values.get(TAG_LICENSE, "")),
        source_rpm=str(values.get(TAG_SOURCERPM, "")),
    )


def _split_source_rpm(source_rpm: str) -> tuple[str, str]:
    """``bash-5.1.8-6.el9.src.rpm`` -> (``bash``, ``5.1.8-6.el9``)."""
    stem = source_rpm.removesuffix(".rpm").rsplit(".", 1)[0]
    parts = stem.rsplit("-", 2)
    if len(parts) != 3:
        return "", ""
    return parts[0], f"{parts[1]}-{parts[2]}"


def header_blobs_from_sqlite(data: bytes) -> Iterator[bytes]:
    """The Packages table's header blobs, read from the database bytes in memory (nothing is
    written to disk), one row at a time."""
    if not data.startswith(b"SQLite format 3\0"):
        raise RpmHeaderError("not an SQLite database")
    # rpm keeps the database in WAL mode (header bytes 18-19 = 2); an in-memory copy can only be
    # opened in rollback-journal mode, so mark it as such. The page contents are unchanged.
    connection = sqlite3.connect(":memory:")
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    left = len(data)
    try:
        connection.deserialize(data[:18] + b"\x01\x01" + data[20:])
        kind = connection.execute("SELECT type FROM sqlite_master WHERE name = 'Packages'").fetchone()
        if kind != ("table",):
            raise RpmHeaderError("rpmdb has no Packages table")
        for (blob,) in connection.execute("SELECT blob FROM Packages ORDER BY hnum"):
            if not isinstance(blob, bytes):
                raise RpmHeaderError(f"a Packages row holds {type(blob).__name__}, not a header blob")
            left -= len(blob)
            if left < 0:
                raise OverLimit("rpmdb yields more header bytes than the database holds")
            yield blob
    except sqlite3.DatabaseError as error:
        raise RpmHeaderError(f"unreadable rpmdb: {error}") from error
    finally:
        connection.close()


def package_from_header(header: RpmHeader, path: str, distro: Distro) -> Package:
    version = f"{header.version}-{header.release}" if header.release else header.version
    source_name, source_version = _split_source_rpm(header.source_rpm)
    epoch = header.epoch if header.epoch else None
    # The epoch outranks version and release when rpm compares versions, so it stays in the version
    # that is matched against advisories; in the purl it is a qualifier.
    return os_package(
        "rpm",
        distro,
        name=header.name,
        version=f"{epoch}:{version}" if epoch else version,
        purl_version=version,
        epoch=str(epoch or ""),
        path=path,
        arch=header.arch,
        source_name=source_name or header.name,
        source_version=(f"{epoch}:{source_version}" if epoch else source_version) or version,
        licenses=(header.license,) if header.license else (),
    )


def parse_sqlite_rpmdb(data: bytes, path: str = SQLITE_PATHS[0], distro: Distro | None = None) -> list[Package]:
    distro = distro or Distro(namespace="redhat")
    packages: list[Package] = []
    for blob in header_blobs_from_sqlite(data):
        header = parse_header_blob(blob)
        # Imported signing keys are stored as fake "gpg-pubkey" packages.
        if header.name != "gpg-pubkey":
            check_count(packages)
            packages.append(package_from_header(header, path, distro))
    return packages
