"""Debian packages: ``var/lib/dpkg/status`` and the per-package ``var/lib/dpkg/status.d/*`` files
that distroless images ship instead (same stanza format, no Status field).

Bounds: the file is read a line at a time keeping only the fields used, so memory follows the
packages found, and more than ``MAX_PACKAGES_PER_FILE`` of them is ``OverLimit``. A stanza without
a name or version is skipped, as dpkg itself would not write one. What an unreadable or over-limit
database means for the image is decided in ``packages`` (it fails: see ``PARSERS``).
"""

import re
from collections.abc import Iterator

from .model import Distro, Package, check_count, lines, os_package

STATUS_PATH = "var/lib/dpkg/status"
STATUS_DIR = "var/lib/dpkg/status.d/"
MAX_BYTES = 64 << 20  # a desktop's status with 4,000 packages is about 4 MiB

# "openssl (3.0.11-1)": the name cannot hold "(" or a space, which keeps the match linear.
_SOURCE = re.compile(r"^(?P<name>[^\s(]+)(?:\s*\((?P<version>[^)]+)\))?$")
_FIELDS = frozenset({"Package", "Version", "Status", "Source", "Architecture"})


def is_dpkg_database(path: str) -> bool:
    if path == STATUS_PATH:
        return True
    # status.d also holds "<name>.md5sums" files next to the stanzas.
    return path.startswith(STATUS_DIR) and "/" not in path[len(STATUS_DIR) :] and "." not in path.rsplit("/")[-1]


def parse_stanzas(text: str, simple: frozenset[str] | None = None) -> Iterator[dict[str, str]]:
    """Each deb822 stanza as a dict; continuation lines (leading space) join their field.

    With ``simple``, only those fields are read, each a single line as Debian Policy (5.1) has
    simple fields, so a stanza costs no more than the fields asked for.
    """
    fields: dict[str, list[str]] = {}
    last_key = None
    for line in lines(text):
        if not line.strip():
            if fields:
                yield {key: "\n".join(parts) for key, parts in fields.items()}
            fields, last_key = {}, None
        elif line[0] in " \t":
            if simple is None and last_key in fields:
                fields[last_key].append(line[1:])
        elif ":" in line:
            key, _, value = line.partition(":")
            last_key = key.strip()
            if simple is None or last_key in simple:
                fields[last_key] = [value.strip()]
    if fields:
        yield {key: "\n".join(parts) for key, parts in fields.items()}


def _is_installed(fields: dict[str, str]) -> bool:
    # "install ok installed", "hold ok installed"; "deinstall ok config-files" is only leftover
    # conffiles. status.d stanzas have no Status: everything there is installed.
    status = fields.get("Status")
    return status is None or status.split()[-1:] == ["installed"]


def parse_status(text: str, path: str = STATUS_PATH, distro: Distro | None = None) -> list[Package]:
    distro = distro or Distro(namespace="debian")
    packages: list[Package] = []
    for fields in parse_stanzas(text, _FIELDS):
        name, version = fields.get("Package"), fields.get("Version")
        if not name or not version or not _is_installed(fields):
            continue
        check_count(packages)
        source_name, source_version = name, version
        if source := _SOURCE.match(fields.get("Source", "")):
            source_name = source["name"]
            source_version = source["version"] or version
        arch = fields.get("Architecture", "")
        packages.append(
            os_package(
                "deb",
                distro,
                name=name,
                version=version,
                path=path,
                arch=arch,
                source_name=source_name,
                source_version=source_version,
            )
        )
    return packages
