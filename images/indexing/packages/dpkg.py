"""Debian packages: ``var/lib/dpkg/status`` and the per-package ``var/lib/dpkg/status.d/*`` files
that distroless images ship instead (same stanza format, no Status field)."""

import re

from .model import Distro, Package, make_purl

STATUS_PATH = "var/lib/dpkg/status"
STATUS_DIR = "var/lib/dpkg/status.d/"

_SOURCE = re.compile(r"^(?P<name>\S+)(?:\s*\((?P<version>[^)]+)\))?$")


def is_dpkg_database(path: str) -> bool:
    if path == STATUS_PATH:
        return True
    # status.d also holds "<name>.md5sums" files next to the stanzas.
    return path.startswith(STATUS_DIR) and "/" not in path[len(STATUS_DIR) :] and "." not in path.rsplit("/")[-1]


def parse_stanzas(text: str) -> list[dict[str, str]]:
    """Split deb822 text into dicts; continuation lines (leading space) join their field."""
    stanzas, fields, last_key = [], {}, None
    for line in text.splitlines():
        if not line.strip():
            if fields:
                stanzas.append(fields)
            fields, last_key = {}, None
        elif line[0] in " \t":
            if last_key is not None:
                fields[last_key] += "\n" + line[1:]
        elif ":" in line:
            key, _, value = line.partition(":")
            last_key = key.strip()
            fields[last_key] = value.strip()
    if fields:
        stanzas.append(fields)
    return stanzas


def _is_installed(fields: dict[str, str]) -> bool:
    # "install ok installed", "hold ok installed"; "deinstall ok config-files" is only leftover
    # conffiles. status.d stanzas have no Status: everything there is installed.
    status = fields.get("Status")
    return status is None or status.split()[-1:] == ["installed"]


def parse_status(text: str, path: str = STATUS_PATH, distro: Distro | None = None) -> list[Package]:
    distro = distro or Distro(namespace="debian")
    packages = []
    for fields in parse_stanzas(text):
        name, version = fields.get("Package"), fields.get("Version")
        if not name or not version or not _is_installed(fields):
            continue
        source_name, source_version = name, version
        if source := _SOURCE.match(fields.get("Source", "")):
            source_name = source["name"]
            source_version = source["version"] or version
        arch = fields.get("Architecture", "")
        packages.append(
            Package(
                name=name,
                version=version,
                type="deb",
                purl=make_purl("deb", name, version, distro.namespace, arch=arch, distro=distro.qualifier),
                path=path,
                source_name=source_name,
                source_version=source_version,
                arch=arch,
            )
        )
    return packages
