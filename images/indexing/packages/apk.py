"""Alpine (and Wolfi/Chainguard) packages: ``lib/apk/db/installed``.

The file is stanzas of one-letter fields (https://wiki.alpinelinux.org/wiki/Apk_spec): P name,
V version, A arch, L license, o origin (the source package advisories name), one stanza per package.

Bounds: the file is read a line at a time, a stanza holds at most one value per letter, and more
than ``MAX_PACKAGES_PER_FILE`` packages is ``OverLimit``; a stanza without a name or version is
skipped. What an over-limit database means for the image is decided in ``packages`` (it fails).
"""

from collections.abc import Iterator

from .model import Distro, Package, check_count, lines, os_package

INSTALLED_PATH = "lib/apk/db/installed"
MAX_BYTES = 64 << 20  # it lists every installed file: a large Alpine image's is a few MiB


def _stanzas(text: str) -> Iterator[dict[str, str]]:
    fields: dict[str, str] = {}
    for line in lines(text):
        if not line:
            if fields:
                yield fields
            fields = {}
            continue
        key, separator, value = line.partition(":")
        # Repeated keys (F/R/Z: files and checksums) are not needed; keep the first of each.
        if separator and len(key) == 1 and key not in fields:
            fields[key] = value
    if fields:
        yield fields


def parse_installed(text: str, path: str = INSTALLED_PATH, distro: Distro | None = None) -> list[Package]:
    distro = distro or Distro(namespace="alpine")
    packages: list[Package] = []
    for fields in _stanzas(text):
        name, version = fields.get("P"), fields.get("V")
        if not name or not version:
            continue
        check_count(packages)
        arch = fields.get("A", "")
        license_text = fields.get("L", "").strip()
        packages.append(
            os_package(
                "apk",
                distro,
                name=name,
                version=version,
                path=path,
                arch=arch,
                source_name=fields.get("o") or name,
                source_version=version,
                licenses=(license_text,) if license_text else (),
            )
        )
    return packages
