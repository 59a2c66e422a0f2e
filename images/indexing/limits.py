"""What one image may make the layer walk read, hold and do, and the errors for an image that crosses it.

Layers come from anyone who can push. Each limit is far above what real images need and far below
what would exhaust a worker, and crossing one fails the image with a reason in words (shown on the
image page): ``HostileLayer`` for an archive that breaks a rule or a limit, ``CorruptLayer`` for one
that cannot be read at all.
"""

from dataclasses import dataclass


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
    # Bytes and entries of one layer: decompression bombs, and archives of endless empty entries.
    max_layer_bytes: int = 16 << 30  # uncompressed bytes of one layer
    max_members: int = 2_000_000  # tar entries in one layer
    # What the walk keeps: the wanted files' contents, one at a time and all together.
    max_file_bytes: int = 256 << 20  # one wanted file, read into memory
    max_kept_bytes: int = 1 << 30  # every kept file version of the image together
    # Tar extension headers are read whole into memory before their entry is seen, so they are
    # checked before reading: a GNU long name or link is a path (PATH_MAX is 4 KiB), a PAX header
    # a dozen records (path, times, owners, a few xattrs of at most 64 KiB each).
    max_header_bytes: int = 1 << 20  # one GNU long-name/long-link or PAX header; all global PAX headers
    max_headers_per_member: int = 8  # extension headers before one entry (GNU tar writes at most two)
    max_pax_records: int = 256  # records in one PAX header, and in a layer's global PAX headers
    # Paths: Linux refuses longer ones (PATH_MAX), and every kept one costs memory.
    max_path_length: int = 4096  # characters of an entry's path or link target
    max_names_bytes: int = 256 << 20  # paths and link targets kept for whiteouts, symlinks and wanted files
