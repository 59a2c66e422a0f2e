"""Alpine (and Wolfi/Chainguard) packages: ``lib/apk/db/installed``.

The file is stanzas of one-letter fields (https://wiki.alpinelinux.org/wiki/Apk_spec): P name,
V version, A arch, L license, o origin (the source package advisories name), one stanza per package.
"""

from .model import Distro, Package, make_purl

INSTALLED_PATH = "lib/apk/db/installed"


def parse_installed(text: str, path: str = INSTALLED_PATH, distro: Distro | None = None) -> list[Package]:
    distro = distro or Distro(namespace="alpine")
    packages = []
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            key, separator, value = line.partition(":")
            # Repeated keys (F/R/Z: files and checksums) are not needed; keep the first of each.
            if separator and len(key) == 1 and key not in fields:
                fields[key] = value
        name, version = fields.get("P"), fields.get("V")
        if not name or not version:
            continue
        arch = fields.get("A", "")
        license_text = fields.get("L", "").strip()
        packages.append(
            Package(
                name=name,
                version=version,
                type="apk",
                purl=make_purl("apk", name, version, distro.namespace, arch=arch, distro=distro.qualifier),
                path=path,
                source_name=fields.get("o") or name,
                source_version=version,
                licenses=(license_text,) if license_text else (),
                arch=arch,
            )
        )
    return packages
