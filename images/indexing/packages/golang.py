"""Go modules compiled into a binary, read from its build information.

Since Go 1.13 the linker writes a ``.go.buildinfo`` section that starts with the 14-byte magic
``\\xff Go buildinf:``, then a pointer size byte and a flags byte (Go ``src/debug/buildinfo``).
With flag 0x2 (Go 1.18+) the Go version and the module information follow inline at offset 32 as
two uvarint-length-prefixed strings; older binaries store two pointers to Go string headers there,
which are resolved through the ELF section table. The module information is text:
``path``/``mod``/``dep``/``=>`` (replacement)/``build`` lines, tab-separated.

Bounds: most executables are not Go binaries, so one without readable build info is simply not a
Go binary (no packages, nothing noted). The build info's strings are lengths read from the binary:
one longer than ``MAX_STRING_BYTES`` (a large binary's is some tens of KiB) is ``OverLimit``, and
so is more than ``MAX_PACKAGES_PER_FILE`` modules; ``packages`` then skips the file with the reason.
"""

import re
import struct
from dataclasses import dataclass

from images.documents import size_text

from .model import OverLimit, Package, check_count, make_purl

MAX_STRING_BYTES = 1 << 20
MAGIC = b"\xff Go buildinf:"
FLAG_BIG_ENDIAN, FLAG_VERSION_INLINE = 0x1, 0x2
ELF_MAGIC = b"\x7fELF"
SHT_NOBITS = 8


@dataclass(frozen=True)
class BuildInfo:
    go_version: str
    main_path: str = ""
    main_version: str = ""
    modules: tuple[tuple[str, str], ...] = ()  # (module path, version) of each dependency


def _uvarint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while position < len(data) and shift < 64:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7
    raise ValueError("truncated uvarint")


def _bounded(length: int) -> int:
    if length > MAX_STRING_BYTES:
        raise OverLimit(f"Go build info string of {length} bytes, more than the {size_text(MAX_STRING_BYTES)} allowed")
    return length


def _inline_string(data: bytes, position: int) -> tuple[bytes, int]:
    length, position = _uvarint(data, position)
    if position + _bounded(length) > len(data):
        raise ValueError("string runs past the build info")
    return data[position : position + length], position + length


class _Elf:
    """Just enough of an ELF reader to find sections and translate virtual addresses."""

    def __init__(self, data: bytes):
        self.data = data
        self.wide = data[4] == 2
        self.order = ">" if data[5] == 2 else "<"
        if self.wide:
            shoff, shentsize, shnum, shstrndx = self._unpack("Q10xHHH", 0x28)
        else:
            shoff, shentsize, shnum, shstrndx = self._unpack("I10xHHH", 0x20)
        layout = "IIQQQQ" if self.wide else "IIIIII"
        self.sections = []
        for index in range(min(shnum, 4096)):
            name, kind, _flags, address, offset, size = self._unpack(layout, shoff + index * shentsize)
            self.sections.append((name, kind, address, offset, size))
        names_offset = self.sections[shstrndx][3] if shstrndx < len(self.sections) else 0
        self.by_name = {}
        for name, kind, address, offset, size in self.sections:
            end = data.find(b"\0", names_offset + name)
            self.by_name[data[names_offset + name : end]] = (kind, address, offset, size)

    def _unpack(self, layout: str, offset: int) -> tuple:
        return struct.unpack_from(self.order + layout, self.data, offset)

    def section(self, name: bytes) -> bytes | None:
        if name not in self.by_name:
            return None
        _kind, _address, offset, size = self.by_name[name]
        return self.data[offset : offset + size]

    def read(self, address: int, size: int) -> bytes:
        for _name, kind, start, offset, length in self.sections:
            if kind != SHT_NOBITS and start <= address and address + size <= start + length:
                return self.data[offset + address - start : offset + address - start + size]
        raise ValueError(f"address {address:#x} is in no section")


def _pointer_string(elf: _Elf, header: bytes, position: int, pointer_size: int, order: str) -> bytes:
    pointer_format = order + ("Q" if pointer_size == 8 else "I")
    (string_header_address,) = struct.unpack_from(pointer_format, header, position)
    string_header = elf.read(string_header_address, 2 * pointer_size)
    data_address, length = struct.unpack(order + ("QQ" if pointer_size == 8 else "II"), string_header)
    return elf.read(data_address, _bounded(length)) if length else b""


def read_raw_buildinfo(data: bytes) -> tuple[bytes, bytes] | None:
    """(Go version, module information as stored) from an ELF binary or a bare build-info blob."""
    elf = None
    if data.startswith(ELF_MAGIC) and len(data) >= 64:
        try:
            elf = _Elf(data)
        except (struct.error, IndexError):
            return None
        section = elf.section(b".go.buildinfo")
        start = 0 if section is not None else data.find(MAGIC)
        blob = section if section is not None else data[start:] if start >= 0 else b""
    else:
        blob = data
    if not blob.startswith(MAGIC) or len(blob) < 32:
        return None
    pointer_size, flags = blob[14], blob[15]
    try:
        if flags & FLAG_VERSION_INLINE:
            version, position = _inline_string(blob, 32)
            modinfo, _ = _inline_string(blob, position)
        elif elf is not None and pointer_size in (4, 8):
            order = ">" if flags & FLAG_BIG_ENDIAN else "<"
            version = _pointer_string(elf, blob, 16, pointer_size, order)
            modinfo = _pointer_string(elf, blob, 16 + pointer_size, pointer_size, order)
        else:
            return None
    except OverLimit:
        raise
    except (ValueError, struct.error):
        return None
    return version, modinfo


def buildinfo_excerpt(data: bytes) -> bytes | None:
    """A small inline-format build-info blob carrying the same information as the binary.

    The layer walk keeps this instead of a whole executable, so indexing an image full of large
    binaries holds only one of them in memory at a time. ``parse_binary`` reads it like a binary.
    """
    raw = read_raw_buildinfo(data)
    if raw is None:
        return None
    version, modinfo = raw
    header = MAGIC + bytes([8, FLAG_VERSION_INLINE]) + bytes(16)
    return header + _encode_uvarint(len(version)) + version + _encode_uvarint(len(modinfo)) + modinfo


def _encode_uvarint(value: int) -> bytes:
    encoded = bytearray()
    while value >= 0x80:
        encoded.append(value & 0x7F | 0x80)
        value >>= 7
    encoded.append(value)
    return bytes(encoded)


def parse_buildinfo(version: bytes, modinfo: bytes) -> BuildInfo:
    # The linker wraps module information in 16-byte sentinels; its text ends with a newline.
    if len(modinfo) >= 33 and modinfo[-17] == ord("\n"):
        modinfo = modinfo[16:-16]
    main_path = main_version = ""
    modules: list[tuple[str, str]] = []
    for line in modinfo.decode("utf-8", "replace").splitlines():
        fields = line.split("\t")
        if fields[0] == "mod" and len(fields) >= 3:
            main_path, main_version = fields[1], fields[2]
        elif fields[0] == "dep" and len(fields) >= 3:
            modules.append((fields[1], fields[2]))
        elif fields[0] == "=>" and len(fields) >= 3 and modules:
            # A replace directive: the code compiled in is the replacement's. A local directory
            # replacement has no version of its own, so the module keeps its path as "(devel)".
            if fields[1].startswith((".", "/")):
                modules[-1] = (modules[-1][0], "(devel)")
            else:
                modules[-1] = (fields[1], fields[2])
    return BuildInfo(
        go_version=version.decode("utf-8", "replace"),
        main_path=main_path,
        main_version=main_version,
        modules=tuple(modules),
    )


_GO_RELEASE = re.compile(r"^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$")


def stdlib_version(go_version: str) -> str:
    """``go1.21.5`` -> ``1.21.5`` and ``go1.22rc1`` -> ``1.22.0-rc.1``, as the Go vulndb writes
    standard library versions; "" for development toolchains."""
    words = go_version.split()
    match = _GO_RELEASE.match(words[0]) if words else None
    if not match:
        return ""
    major, minor, patch, prerelease, number = match.groups()
    version = f"{major}.{minor}.{patch or 0}"
    return f"{version}-{prerelease}.{number}" if prerelease else version


def _module_package(module_path: str, version: str, path: str) -> Package:
    namespace, _, name = module_path.rpartition("/")
    return Package(
        name=module_path,
        version=version,
        type="golang",
        purl=make_purl("golang", name, version, namespace),
        path=path,
    )


def parse_binary(data: bytes, path: str) -> list[Package]:
    raw = read_raw_buildinfo(data)
    if raw is None:
        return []
    info = parse_buildinfo(*raw)
    packages: list[Package] = []
    if stdlib := stdlib_version(info.go_version):
        packages.append(
            Package(name="stdlib", version=stdlib, type="golang", purl=make_purl("golang", "stdlib", stdlib), path=path)
        )
    # "go run"/"go build file.go" binaries have no main module, only "command-line-arguments".
    if info.main_path and info.main_version:
        packages.append(_module_package(info.main_path, info.main_version, path))
    for module, version in info.modules:
        check_count(packages)
        packages.append(_module_package(module, version, path))
    return packages
