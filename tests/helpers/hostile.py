"""Hostile tar layers, built byte by byte: headers whose payload tarfile would read whole, written
streaming so that a 1 GiB header never sits in the test's memory."""

import gzip
import io
import tarfile
from pathlib import Path
from typing import BinaryIO

from images.oci.build import Image, canonical_json, sha256
from images.oci.media_types import OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST

BLOCK = tarfile.BLOCKSIZE
CHUNK = 1 << 20


def header(name: str, kind: bytes, size: int = 0, linkname: str = "") -> bytes:
    """One 512-byte tar header (GNU format: any type, base-256 sizes past 8 GiB), checksum included."""
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname, info.mode, info.mtime = kind, size, linkname, 0o644, 0
    return info.tobuf(format=tarfile.GNU_FORMAT)


def padding(size: int) -> bytes:
    return bytes(-size % BLOCK)


def pax_payload(records: dict[str, str]) -> bytes:
    """PAX records, ``"<length> <keyword>=<value>\\n"``, the length counting itself."""
    out = b""
    for keyword, value in records.items():
        body = f" {keyword}={value}\n".encode()
        length = len(body) + 1
        while len(str(length)) + len(body) != length:
            length += 1
        out += str(length).encode() + body
    return out


def extension(kind: bytes, payload: bytes) -> bytes:
    """An extension header (GNU L/K, PAX x/g) with its payload."""
    name = "././@LongLink" if kind in (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK) else "././@PaxHeader"
    return header(name, kind, len(payload)) + payload + padding(len(payload))


def member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, linkname: str = "") -> bytes:
    return header(name, kind, len(data), linkname) + data + padding(len(data))


END = bytes(2 * BLOCK)


def write_long_name_layer(out: BinaryIO, name_bytes: int, kind: bytes = tarfile.GNUTYPE_LONGNAME) -> None:
    """A gzip'd layer whose one entry has a GNU long name (or link) of ``name_bytes`` bytes, streamed:
    1 GiB of one repeated byte compresses to about 1 MB."""
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as layer:
        layer.write(header("././@LongLink", kind, name_bytes))
        chunk = b"a" * CHUNK
        left = name_bytes - 1
        while left > 0:
            layer.write(chunk[: min(left, CHUNK)])
            left -= min(left, CHUNK)
        layer.write(b"\0" + padding(name_bytes))
        layer.write(member("etc/hostname", b"hub\n"))
        layer.write(END)


def long_name_layer_file(directory: Path, name_bytes: int = 1 << 30) -> Path:
    """``write_long_name_layer`` into a file (made once per directory)."""
    path = directory / f"long-name-{name_bytes}.tar.gz"
    if not path.exists():
        with open(path, "wb") as out:
            write_long_name_layer(out, name_bytes)
    return path


def big_file_layer(path: str, size: int, fill: bytes = b"\n") -> bytes:
    """A gzip'd layer holding one file of ``size`` bytes of ``fill``, written streaming (64 MiB of
    one byte compress to about 64 KiB)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as layer:
        layer.write(header(path, tarfile.REGTYPE, size))
        chunk = fill * CHUNK
        left = size
        while left > 0:
            layer.write(chunk[: min(left, CHUNK)])
            left -= min(left, CHUNK)
        layer.write(padding(size) + END)
    return out.getvalue()


def gzip_tar(files: dict[str, bytes]) -> bytes:
    """A well-formed gzip'd layer of plain files."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def raw_image(layers: list[bytes], config: bytes | None = None) -> Image:
    """An image of exactly these layers and config (images.oci.image_build makes its own layers)."""
    config = config if config is not None else canonical_json({"architecture": "amd64", "os": "linux"})
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": sha256(config), "size": len(config)},
        "layers": [{"mediaType": OCI_LAYER_GZIP, "digest": sha256(blob), "size": len(blob)} for blob in layers],
    }
    return Image(manifest=canonical_json(manifest), config=config, layers=layers)
