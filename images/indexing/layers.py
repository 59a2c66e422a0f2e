"""The layer walk: stream each layer once (``tarstream``), keep only the files the indexer asked for,
and apply whiteouts in layer order so the result is the image's final file view.

Layers come from anyone who can push, so nothing from an archive is ever written to disk, every
path is normalised inside the image root, symlinks are resolved inside that root only, and what the
walk keeps is bounded (``LayerLimits``): wanted files' bytes, and the paths and link targets it
holds for whiteouts and symlinks. Anything that breaks these rules raises ``HostileLayer``.

Whiteouts follow the OCI image spec ("Representing Changes", ``layer.md``): ``dir/.wh.name`` deletes
``dir/name`` (and everything below it) from lower layers, ``dir/.wh..wh..opq`` hides everything
lower layers put in ``dir``. Both apply only to lower layers, whatever their place in the archive.
"""

import posixpath
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from images.documents import size_text

from .limits import HostileLayer, LayerLimits
from .tarstream import iter_layer

WHITEOUT_PREFIX = ".wh."
OPAQUE_WHITEOUT = ".wh..wh..opq"
MAX_SYMLINK_HOPS = 40  # as Linux's MAXSYMLINKS
# Roughly what Python spends on a kept path beyond its characters (the string, its dict slot).
_NAME_COST = 100


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
    # layer_index -> bytes of the layer's uncompressed tar stream
    uncompressed_sizes: dict[int, int] = field(default_factory=dict)

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


_MARK = "/"  # a key no path component can be: marks a whiteout in the tree below


def _apply_whiteouts(mapping: dict, whiteouts: list[tuple[str, bool]]) -> None:
    """Remove from ``mapping`` what ``(path, opaque)`` whiteouts hide. Each key is looked up once in
    a tree of the whiteout paths, so the cost is the keys' length, however many whiteouts there are."""
    if not whiteouts or not mapping:
        return
    tree: dict = {}
    for path, opaque in whiteouts:
        node = tree
        for part in path.split("/") if path else ():
            node = node.setdefault(part, {})
        # A deletion also hides the path itself, so it wins over an opaque marker there.
        node[_MARK] = "opaque" if opaque and node.get(_MARK) != "deleted" else "deleted"
    for key in [key for key in mapping if _hidden(tree, key)]:
        del mapping[key]


def _hidden(tree: dict, key: str) -> bool:
    node = tree
    for part in key.split("/"):
        if _MARK in node:  # a whiteout of a directory above the key, of either kind
            return True
        node = node.get(part)
        if node is None:
            return False
    return node.get(_MARK) == "deleted"


Wanted = Callable[[str, int, int], bool]  # (path, mode, size) -> keep this file?
Reduce = Callable[[str, bytes], bytes | None]  # (path, data) -> what to keep, None to drop


class _Budget:
    """What the walk keeps of the whole image: file bytes, and paths with link targets."""

    def __init__(self, limits: LayerLimits):
        self.limits, self.kept_bytes, self.names_bytes = limits, 0, 0

    def keep(self, data: bytes) -> None:
        self.kept_bytes += len(data)
        if self.kept_bytes > self.limits.max_kept_bytes:
            raise HostileLayer(f"wanted files exceed {size_text(self.limits.max_kept_bytes)}")

    def name(self, *names: str) -> None:
        self.names_bytes += sum(len(name) for name in names) + _NAME_COST
        if self.names_bytes > self.limits.max_names_bytes:
            raise HostileLayer(
                f"more than {size_text(self.limits.max_names_bytes)} of paths and link targets to keep "
                "(symlinks, whiteouts and wanted files)"
            )


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
    ``wanted`` may raise ``HostileLayer`` too; it is given the layer index like the walk's own.
    """
    limits = limits or LayerLimits()
    image = ImageFiles()
    budget = _Budget(limits)
    for layer_index, fileobj, media_type in layers:
        written: dict[str, FileVersion] = {}
        links: dict[str, str] = {}
        replaced: set[str] = set()  # paths of lower layers this layer put a non-directory at
        whiteouts: list[tuple[str, bool]] = []  # (path, opaque)
        try:

            def measured(size: int, layer_index: int = layer_index) -> None:
                image.uncompressed_sizes[layer_index] = size

            for entry in iter_layer(fileobj, media_type, limits, on_size=measured):
                directory, name = posixpath.split(entry.path)
                if name == OPAQUE_WHITEOUT:
                    budget.name(directory)
                    whiteouts.append((directory, True))
                    continue
                if name.startswith(WHITEOUT_PREFIX):
                    deleted = posixpath.join(directory, name[len(WHITEOUT_PREFIX) :])
                    budget.name(deleted)
                    whiteouts.append((deleted, False))
                    continue
                if not entry.path or entry.kind == "dir":
                    continue
                if entry.path in image.versions or entry.path in image.symlinks:
                    replaced.add(entry.path)
                written.pop(entry.path, None)
                links.pop(entry.path, None)
                if entry.kind == "symlink":
                    budget.name(entry.path, entry.link_target)
                    links[entry.path] = entry.link_target
                elif entry.kind == "hardlink" and entry.link_target in written:
                    target = written[entry.link_target]
                    if wanted(entry.path, target.mode, len(target.data)):
                        budget.name(entry.path)
                        written[entry.path] = target
                elif entry.kind == "file" and wanted(entry.path, entry.mode, entry.size):
                    data = entry.read(limits.max_file_bytes)
                    if reduce is not None:
                        data = reduce(entry.path, data)
                    if data is not None:
                        budget.keep(data)
                        budget.name(entry.path)
                        written[entry.path] = FileVersion(layer_index, data, entry.mode)
        except HostileLayer as error:
            raise type(error)(error.reason, layer_index) from error
        _apply_whiteouts(image.versions, whiteouts)
        _apply_whiteouts(image.symlinks, whiteouts)
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
