"""The layer walk: stream each layer once, keep only the files the indexer asked for, and apply
whiteouts in layer order so the result is the image's final file view.

Layers come from anyone who can push, so nothing from an archive is ever written to disk, every
path is normalised inside the image root, symlinks are resolved inside that root only,
decompression is bounded, and anything that breaks these rules raises ``HostileLayer``.

Whiteouts follow the OCI image spec ("Representing Changes", ``layer.md``): ``dir/.wh.name`` deletes
``dir/name`` (and everything below it) from lower layers, ``dir/.wh..wh..opq`` hides everything
lower layers put in ``dir``. Both apply only to lower layers, whatever their place in the archive.
"""

import gzip
import io
import posixpath
import re
import tarfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

import zstandard

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
WHITEOUT_PREFIX = ".wh."
OPAQUE_WHITEOUT = ".wh..wh..opq"
MAX_SYMLINK_HOPS = 40  # as Linux's MAXSYMLINKS


class HostileLayer(Exception):
    """A layer that cannot be indexed safely; ``reason`` says why, in words for the image page."""

    def __init__(self, reason: str, layer_index: int | None = None):
        super().__init__(reason if layer_index is None else f"layer {layer_index}: {reason}")
        self.reason = reason
        self.layer_index = layer_index


class CorruptLayer(HostileLayer):
    """Not necessarily malicious, just unreadable: bad compression or a broken tar stream."""


@dataclass(frozen=True)
class LayerLimits:
    max_layer_bytes: int = 16 << 30  # uncompressed bytes of one layer (decompression bombs)
    max_file_bytes: int = 256 << 20  # one wanted file, read into memory
    max_kept_bytes: int = 1 << 30  # every kept file version of the image together
    max_members: int = 2_000_000  # tar entries in one layer


@dataclass(frozen=True)
class FileVersion:
    layer_index: int
    data: bytes
    mode: int = 0o644


@dataclass
class ImageFiles:
    """The wanted files of an image after all layers, and every symlink, for resolving paths.

    ``versions[path]`` lists what each layer wrote at that path since it was last deleted, oldest
    first: the last one is what the image contains, the earlier ones tell which layer introduced
    each entry of a package database that later layers rewrote.
    """

    versions: dict[str, list[FileVersion]] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)

    def paths(self) -> list[str]:
        return sorted(self.versions)

    def resolve(self, path: str) -> str | None:
        """Follow symlinks, in every component, the way a chroot would: ``..`` and absolute
        targets stop at the image root. None when the links loop."""
        remaining = deque(path.split("/"))
        resolved: list[str] = []
        hops = 0
        while remaining:
            part = remaining.popleft()
            if part in ("", "."):
                continue
            if part == "..":
                if resolved:
                    resolved.pop()
                continue
            candidate = "/".join([*resolved, part])
            target = self.symlinks.get(candidate)
            if target is None:
                resolved.append(part)
                continue
            hops += 1
            if hops > MAX_SYMLINK_HOPS:
                return None
            if target.startswith("/"):
                resolved = []
            remaining.extendleft(reversed(target.split("/")))
        return "/".join(resolved)

    def final(self, path: str) -> FileVersion | None:
        resolved = self.resolve(path)
        versions = self.versions.get(resolved) if resolved is not None else None
        return versions[-1] if versions else None

    def read(self, path: str) -> bytes | None:
        version = self.final(path)
        return version.data if version else None


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
                raise HostileLayer(f"path escapes the image root: {name!r}")
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
            raise HostileLayer(f"layer expands to more than {self.limit} bytes (decompression bomb?)")
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


@dataclass(frozen=True)
class LayerEntry:
    """One tar member, with its path already normalised. ``read()`` is only valid while the
    iteration is on this entry (the stream moves on)."""

    path: str
    kind: str  # "file", "dir", "symlink", "hardlink", "other"
    size: int
    mode: int
    link_target: str = ""
    read: Callable[[int], bytes] = field(default=lambda limit: b"", repr=False, compare=False)


_CORRUPTION = (tarfile.TarError, gzip.BadGzipFile, zlib.error, zstandard.ZstdError, EOFError, OSError)


def iter_layer(fileobj: BinaryIO, media_type: str = "", limits: LayerLimits | None = None) -> Iterator[LayerEntry]:
    """Stream a layer's members in archive order, nothing extracted, nothing kept."""
    limits = limits or LayerLimits()
    try:
        with tarfile.open(fileobj=open_layer(fileobj, media_type, limits), mode="r|") as archive:
            for count, member in enumerate(archive, start=1):
                if count > limits.max_members:
                    raise HostileLayer(f"more than {limits.max_members} entries in one layer")
                yield _entry(archive, member, limits)
    except HostileLayer:
        raise
    except _CORRUPTION as error:
        raise CorruptLayer(f"unreadable layer archive: {error}") from error


def _entry(archive: tarfile.TarFile, member: tarfile.TarInfo, limits: LayerLimits) -> LayerEntry:
    path = normalise_path(member.name)
    if member.isreg():
        kind = "file"
    elif member.isdir():
        kind = "dir"
    elif member.issym():
        kind = "symlink"
    elif member.islnk():
        kind = "hardlink"
    else:
        kind = "other"
    link_target = member.linkname
    if kind == "hardlink":
        # Hard links name another member of the archive, so they obey the same root rule.
        link_target = normalise_path(member.linkname)

    def read(limit: int = limits.max_file_bytes) -> bytes:
        if member.size > limit:
            raise HostileLayer(f"{path} is {member.size} bytes, more than the {limit} allowed")
        try:
            extracted = archive.extractfile(member)
            return extracted.read() if extracted else b""
        except _CORRUPTION as error:
            raise CorruptLayer(f"unreadable layer archive: {error}") from error

    return LayerEntry(path=path, kind=kind, size=member.size, mode=member.mode, link_target=link_target, read=read)


def _remove_tree(mapping: dict, path: str, keep_root: bool = False) -> None:
    prefix = f"{path}/" if path else ""
    for key in [key for key in mapping if key.startswith(prefix) or (key == path and not keep_root)]:
        del mapping[key]


Wanted = Callable[[str, int, int], bool]  # (path, mode, size) -> keep this file?
Reduce = Callable[[str, bytes], bytes | None]  # (path, data) -> what to keep, None to drop


def collect_files(
    layers: Iterable[tuple[int, BinaryIO, str]],
    wanted: Wanted,
    reduce: Reduce | None = None,
    limits: LayerLimits | None = None,
) -> ImageFiles:
    """Walk ``(layer_index, fileobj, media_type)`` in order (base layer first) and return the wanted
    files of the final image, each with the layer that wrote it.

    ``reduce`` may shrink a wanted file to what its parser needs (a Go binary's build info, a jar's
    metadata), so only one large file is in memory at a time.
    A hard link whose target was not itself wanted is not kept: its data has gone past in the stream.
    """
    limits = limits or LayerLimits()
    image = ImageFiles()
    kept_bytes = 0
    for layer_index, fileobj, media_type in layers:
        written: dict[str, FileVersion] = {}
        links: dict[str, str] = {}
        replaced: set[str] = set()  # paths this layer put a non-directory at
        whiteouts: list[tuple[str, bool]] = []  # (path, opaque)
        try:
            for entry in iter_layer(fileobj, media_type, limits):
                directory, name = posixpath.split(entry.path)
                if name == OPAQUE_WHITEOUT:
                    whiteouts.append((directory, True))
                    continue
                if name.startswith(WHITEOUT_PREFIX):
                    whiteouts.append((posixpath.join(directory, name[len(WHITEOUT_PREFIX) :]), False))
                    continue
                if not entry.path or entry.kind == "dir":
                    continue
                replaced.add(entry.path)
                written.pop(entry.path, None)
                links.pop(entry.path, None)
                if entry.kind == "symlink":
                    links[entry.path] = entry.link_target
                elif entry.kind == "hardlink" and entry.link_target in written:
                    target = written[entry.link_target]
                    if wanted(entry.path, target.mode, len(target.data)):
                        written[entry.path] = target
                elif entry.kind == "file" and wanted(entry.path, entry.mode, entry.size):
                    data = entry.read(limits.max_file_bytes)
                    if reduce is not None:
                        data = reduce(entry.path, data)
                    if data is not None:
                        kept_bytes += len(data)
                        if kept_bytes > limits.max_kept_bytes:
                            raise HostileLayer(f"wanted files exceed {limits.max_kept_bytes} bytes")
                        written[entry.path] = FileVersion(layer_index, data, entry.mode)
        except HostileLayer as error:
            raise type(error)(error.reason, layer_index) from error
        for path, opaque in whiteouts:
            _remove_tree(image.versions, path, keep_root=opaque)
            _remove_tree(image.symlinks, path, keep_root=opaque)
        for path in replaced:
            # What this layer put at a path replaces whatever lower layers had there; a rewrite of
            # a kept file extends its history instead.
            image.symlinks.pop(path, None)
            if path not in written:
                image.versions.pop(path, None)
        for path, version in written.items():
            image.versions.setdefault(path, []).append(version)
        image.symlinks.update(links)
    return image


@dataclass(frozen=True)
class HistoryStep:
    """One entry of the image config's ``history``, with the layer it made (None for steps such as
    ENV or CMD that only change the config, marked ``empty_layer``)."""

    created_by: str = ""
    created: datetime | None = None
    comment: str = ""
    author: str = ""
    layer_index: int | None = None
    layer_digest: str = ""


@dataclass(frozen=True)
class LayerHistory:
    index: int
    digest: str
    created_by: str = ""
    created: datetime | None = None
    comment: str = ""


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_created(value: object) -> datetime | None:
    """RFC 3339 time from a config; Go writes nanoseconds, which Python does not read."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(_FRACTION.sub(r"\1", value.replace("Z", "+00:00")))
    except ValueError:
        return None


def history_steps(config_json: dict, layer_digests: list[str]) -> list[HistoryStep]:
    """Every history entry in order, the non-empty ones paired with the layers in order.

    Configs written by some tools have no history, or fewer entries than layers: layers left over
    get no step, and surplus non-empty entries get no layer.
    """
    history = config_json.get("history") if isinstance(config_json, dict) else None
    steps = []
    layer_index = 0
    for entry in history if isinstance(history, list) else []:
        if not isinstance(entry, dict):
            continue
        makes_layer = not entry.get("empty_layer", False) and layer_index < len(layer_digests)
        steps.append(
            HistoryStep(
                created_by=str(entry.get("created_by") or ""),
                created=parse_created(entry.get("created")),
                comment=str(entry.get("comment") or ""),
                author=str(entry.get("author") or ""),
                layer_index=layer_index if makes_layer else None,
                layer_digest=layer_digests[layer_index] if makes_layer else "",
            )
        )
        if makes_layer:
            layer_index += 1
    return steps


def pair_history(config_json: dict, layer_digests: list[str]) -> list[LayerHistory]:
    """One ``LayerHistory`` per layer, in layer order, with the command that made it when known."""
    by_layer = {
        step.layer_index: step for step in history_steps(config_json, layer_digests) if step.layer_index is not None
    }
    paired = []
    for index, digest in enumerate(layer_digests):
        step = by_layer.get(index, HistoryStep())
        paired.append(LayerHistory(index, digest, step.created_by, step.created, step.comment))
    return paired


_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:\|\d+ (?:\S+=\S* )*)?/bin/sh -c\s+")


def display_command(created_by: str) -> str:
    """The Dockerfile-like line people expect to see for a history entry.

    The classic builder records ``/bin/sh -c #(nop)  CMD ["bash"]`` for config-only steps and
    ``/bin/sh -c apt-get ...`` (after ``|N ARG=value`` for build arguments) for RUN; BuildKit
    records ``RUN /bin/sh -c ... # buildkit``.
    """
    command = created_by.strip()
    if _NOP.match(command):
        return _NOP.sub("", command).strip()
    if _SHELL.match(command):
        return "RUN " + _SHELL.sub("", command).strip()
    return command.removesuffix("# buildkit").strip()
