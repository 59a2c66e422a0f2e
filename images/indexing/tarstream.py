"""One layer read as a stream: compression detected and bounded, tar headers bounded, entries yielded
once in archive order, nothing extracted to disk and nothing kept.

Python's tarfile reads some headers whole into memory before their entry is seen: a GNU long name
or long link (types ``L``/``K``) and PAX extended and global headers (``x``/``g``) carry a payload
of any size the archive claims. So here:

- each such header's size is checked against ``LayerLimits.max_header_bytes`` before tarfile reads
  it, and global PAX headers together too;
- headers chained before one entry are counted (tarfile follows them recursively);
- PAX records are parsed strictly, as Python 3.12.6 does: earlier versions turn a header of
  malformed records into quadratic time and memory (CVE-2024-6232), so a malformed record is a
  corrupt layer, and more than ``max_pax_records`` of them a hostile one;
- sparse maps are walked past without being kept (a hostile one is as long as the layer), so a
  sparse entry is never read: it is ``kind="other"``, and no package database is sparse;
- a header is forgotten once the walk moves on (tarfile keeps all of them), and an entry whose data
  would end past the layer limit is refused (tarfile would skip towards it forever on a short stream);
- paths and link targets are at most ``max_path_length`` characters (Linux's PATH_MAX).
"""

import gzip
import io
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import zstandard

from images.documents import size_text

from .limits import CorruptLayer, HostileLayer, LayerLimits

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_PAX_LENGTH = re.compile(rb"([0-9]{1,20}) ")
_SPARSE_KEYS = ("GNU.sparse.map", "GNU.sparse.size", "GNU.sparse.major")


def shown(path: str, limit: int = 200) -> str:
    """A path for a message: quoted, and cut short when it is long."""
    return repr(path) if len(path) <= limit else repr(path[:limit]) + f"... ({len(path)} characters)"


def normalise_path(name: str) -> str:
    """Archive member name -> path relative to the image root ("" for the root itself).

    Leading "/" and "./" are dropped (both are common in real layers); a ".." that would climb
    above the root is an attack, not a path.
    """
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise HostileLayer(f"path escapes the image root: {shown(name)}")
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


class _BoundedReader(io.RawIOBase):
    """Counts decompressed bytes and stops the layer once it exceeds its limit."""

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream, self.limit, self.count = stream, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise HostileLayer(f"layer expands to more than {size_text(self.limit)} (decompression bomb?)")
        buffer[: len(data)] = data
        return len(data)


class _PrefixedReader(io.RawIOBase):
    """Puts the sniffed magic bytes back in front of a stream that cannot seek."""

    def __init__(self, prefix: bytes, stream: BinaryIO):
        self.prefix, self.stream = prefix, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.prefix:
            data, self.prefix = self.prefix[: len(buffer)], self.prefix[len(buffer) :]
        else:
            data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def compression_of(magic: bytes, media_type: str = "") -> str:
    """ "gzip", "zstd" or "tar". The magic bytes decide: registries in the wild label layers
    loosely, and a wrong label must not make us parse compressed bytes as tar."""
    if magic.startswith(GZIP_MAGIC):
        return "gzip"
    if magic.startswith(ZSTD_MAGIC):
        return "zstd"
    if media_type.endswith(("gzip", "zstd")):
        raise CorruptLayer(f"media type {media_type} but the content is not {media_type.rsplit('+', 1)[-1]}")
    return "tar"


def open_layer(fileobj: BinaryIO, media_type: str = "", limits: LayerLimits | None = None) -> BinaryIO:
    """The layer's uncompressed tar stream, decompressed on the fly and bounded."""
    limits = limits or LayerLimits()
    magic = fileobj.read(4)
    compression = compression_of(magic, media_type)
    stream: BinaryIO = io.BufferedReader(_PrefixedReader(magic, fileobj))
    if compression == "gzip":
        stream = gzip.GzipFile(fileobj=stream, mode="rb")
    elif compression == "zstd":
        stream = zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True)
    return io.BufferedReader(_BoundedReader(stream, limits.max_layer_bytes), buffer_size=1 << 20)


def _pax_records(buf: bytes, kind: str, limit: int) -> list[tuple[bytes, bytes]]:
    """``(keyword, value)`` of each ``"<length> <keyword>=<value>\\n"`` record, framing checked."""
    records, position = [], 0
    while position < len(buf) and buf[position] != 0:
        if len(records) == limit:
            raise HostileLayer(f"{kind} tar header of more than {limit} records")
        match = _PAX_LENGTH.match(buf, position)
        length = int(match.group(1)) if match else 0
        end = position + length - 1  # where the record's newline must be
        if length < 5 or end >= len(buf) or buf[end] != 0x0A:  # the shortest record is "5 k=\n"
            raise tarfile.ReadError("malformed PAX header record")
        keyword, equals, value = buf[match.end() : end].partition(b"=")
        if not keyword or not equals:
            raise tarfile.ReadError("malformed PAX header record")
        records.append((keyword, value))
        position += length
    return records


class _LayerTarInfo(tarfile.TarInfo):
    """tarfile's header reader, with every header that tarfile would read whole bounded first.

    These override tarfile's ``_proc_*`` methods, the extension point its source documents for
    subclasses; ``_proc_pax`` follows Python 3.13's, with limits and without reading sparse maps.
    """

    def _proc_gnulong(self, archive):
        kind = "GNU long-name" if self.type == tarfile.GNUTYPE_LONGNAME else "GNU long-link"
        archive.extension_header(self, kind)
        return super()._proc_gnulong(archive)

    def _proc_sparse(self, archive):
        # Old GNU sparse: the map continues in 512-byte blocks for as long as each says so. They
        # are read past, not kept; ``size`` stays the stored size, since the entry is never read.
        _map, extended, _real_size = self._sparse_structs
        del self._sparse_structs
        while extended:
            block = archive.fileobj.read(tarfile.BLOCKSIZE)
            if len(block) < tarfile.BLOCKSIZE:
                raise tarfile.ReadError("unexpected end of data in a sparse map")
            extended = bool(block[504])
        self.sparse = []  # sparse, its map unread
        self.offset_data = archive.fileobj.tell()
        archive.offset = self.offset_data + self._block(self.size)
        return self

    def _proc_pax(self, archive):
        is_global = self.type == tarfile.XGLTYPE
        kind = "global PAX" if is_global else "PAX"
        archive.extension_header(self, kind)
        limit = archive.limits.max_pax_records
        records = _pax_records(archive.fileobj.read(self._block(self.size))[: self.size], kind, limit)
        pax_headers = archive.pax_headers if is_global else archive.pax_headers.copy()
        # Names are UTF-8 unless the header says they are raw bytes (hdrcharset=BINARY).
        charset = next((value for keyword, value in records if keyword == b"hdrcharset"), b"")
        encoding = archive.encoding if charset == b"BINARY" else "utf-8"
        for raw_keyword, raw_value in records:
            keyword = self._decode_pax_field(raw_keyword, "utf-8", "utf-8", archive.errors)
            value_encoding = encoding if keyword in tarfile.PAX_NAME_FIELDS else "utf-8"
            pax_headers[keyword] = self._decode_pax_field(raw_value, value_encoding, archive.encoding, archive.errors)
        if is_global and len(pax_headers) > limit:
            raise HostileLayer(f"global PAX tar headers of more than {limit} records in one layer")

        try:
            member = self.fromtarfile(archive)
        except tarfile.HeaderError as error:
            raise tarfile.SubsequentHeaderError(str(error)) from None
        if any(key in pax_headers for key in _SPARSE_KEYS):
            member.sparse = []  # sparse (GNU PAX formats 0.0, 0.1, 1.0), its map unread
        if not is_global:
            member._apply_pax_info(pax_headers, archive.encoding, archive.errors)
            member.offset = self.offset
            if "size" in pax_headers:
                # The record replaces the header's size, so the next header starts elsewhere.
                offset = member.offset_data
                if member.isreg() or member.type not in tarfile.SUPPORTED_TYPES:
                    offset += member._block(member.size)
                archive.offset = offset
        return member


class _LayerArchive(tarfile.TarFile):
    """A tar stream read once, within ``limits``."""

    tarinfo = _LayerTarInfo

    def __init__(self, *args, limits: LayerLimits, **kwargs):
        self.limits = limits
        self.headers_in_a_row = 0
        self.global_header_bytes = 0
        super().__init__(*args, **kwargs)  # reads the first header

    def extension_header(self, header: tarfile.TarInfo, kind: str) -> None:
        """Called for each header that tarfile is about to read whole, before it reads it."""
        limits = self.limits
        self.headers_in_a_row += 1
        if self.headers_in_a_row > limits.max_headers_per_member:
            raise HostileLayer(f"more than {limits.max_headers_per_member} tar headers in a row before one entry")
        if header.size > limits.max_header_bytes:
            raise HostileLayer(
                f"{kind} tar header of {header.size} bytes exceeds the {size_text(limits.max_header_bytes)} limit"
            )
        if header.type == tarfile.XGLTYPE:
            self.global_header_bytes += header.size
            if self.global_header_bytes > limits.max_header_bytes:
                raise HostileLayer(
                    f"global PAX tar headers of {self.global_header_bytes} bytes exceed the "
                    f"{size_text(limits.max_header_bytes)} limit"
                )

    def next(self):
        self.headers_in_a_row = 0
        member = super().next()
        self.members.clear()  # tarfile keeps every header it reads; a stream is read once
        if member is not None and self.offset > self.limits.max_layer_bytes:
            raise HostileLayer(
                f"layer expands to more than {size_text(self.limits.max_layer_bytes)} "
                f"({shown(member.name)} of {member.size} bytes ends past it)"
            )
        return member


@dataclass(frozen=True)
class LayerEntry:
    """One tar member, with its path already normalised. ``read()`` is only valid while the
    iteration is on this entry (the stream moves on)."""

    path: str
    kind: str  # "file", "dir", "symlink", "hardlink", "other" (devices, fifos, sparse files)
    size: int
    mode: int
    link_target: str = ""
    read: Callable[[int], bytes] = field(default=lambda limit: b"", repr=False, compare=False)


_CORRUPTION = (tarfile.TarError, gzip.BadGzipFile, zlib.error, zstandard.ZstdError, EOFError, OSError)


def iter_layer(
    fileobj: BinaryIO,
    media_type: str = "",
    limits: LayerLimits | None = None,
    on_size: Callable[[int], None] | None = None,
) -> Iterator[LayerEntry]:
    """Stream a layer's members in archive order, nothing extracted, nothing kept.

    ``on_size``, when given, is called at the end with the length of the whole uncompressed tar
    stream (what ``docker image inspect`` and the layer's diff_id count): the bytes after the
    archive's end marker are read too, still within the layer limit.
    """
    limits = limits or LayerLimits()
    try:
        stream = open_layer(fileobj, media_type, limits)
        with _LayerArchive.open(fileobj=stream, mode="r|", limits=limits) as archive:
            count = 0
            while (member := archive.next()) is not None:
                count += 1
                if count > limits.max_members:
                    raise HostileLayer(f"more than {limits.max_members} entries in one layer")
                yield _entry(archive, member, limits)
        if on_size is not None:
            try:
                while stream.read(1 << 20):
                    pass
            except _CORRUPTION:
                return  # what follows the archive's end does not decompress: every entry was read, no size
            on_size(stream.raw.count)
    except HostileLayer:
        raise
    except _CORRUPTION as error:
        raise CorruptLayer(f"unreadable layer archive: {error}") from error


def _kind(member: tarfile.TarInfo) -> str:
    if member.issparse():
        return "other"
    if member.isreg():
        return "file"
    if member.isdir():
        return "dir"
    if member.issym():
        return "symlink"
    if member.islnk():
        return "hardlink"
    return "other"


def _entry(archive: tarfile.TarFile, member: tarfile.TarInfo, limits: LayerLimits) -> LayerEntry:
    for what, value in (("path", member.name), ("link target", member.linkname)):
        if len(value) > limits.max_path_length:
            raise HostileLayer(
                f"{what} of {len(value)} characters exceeds the {limits.max_path_length}-character limit: "
                f"{shown(value)}"
            )
    path = normalise_path(member.name)
    kind = _kind(member)
    link_target = member.linkname
    if kind == "hardlink":
        # Hard links name another member of the archive, so they obey the same root rule.
        link_target = normalise_path(member.linkname)

    def read(limit: int = limits.max_file_bytes) -> bytes:
        if member.size > limit:
            raise HostileLayer(f"{path} is {member.size} bytes, more than the {size_text(limit)} allowed")
        try:
            extracted = archive.extractfile(member)
            return extracted.read() if extracted else b""
        except _CORRUPTION as error:
            raise CorruptLayer(f"unreadable layer archive: {error}") from error

    return LayerEntry(path=path, kind=kind, size=member.size, mode=member.mode, link_target=link_target, read=read)
