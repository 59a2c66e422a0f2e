"""The ``os-release`` file (freedesktop.org) and the OSV ecosystem name of a distribution.

Bounds: at most ``MAX_BYTES`` are read; the inventory skips a larger file with the reason, as it
does one without an ID: the OS is then unknown, and the image is indexed without it.
"""

import shlex
from dataclasses import dataclass

OS_RELEASE_PATHS = ("etc/os-release", "usr/lib/os-release")
MAX_BYTES = 64 << 10  # a few dozen short lines


@dataclass(frozen=True)
class OsRelease:
    id: str
    version_id: str = ""
    pretty_name: str = ""
    version_codename: str = ""
    id_like: tuple[str, ...] = ()

    @property
    def purl_distro(self) -> str:
        """The ``distro`` qualifier of OS package purls, e.g. ``debian-12``."""
        return f"{self.id}-{self.version_id}" if self.version_id else self.id

    @property
    def osv_ecosystem(self) -> str | None:
        return osv_ecosystem(self)


def parse_os_release(text: str) -> OsRelease | None:
    """Parse ``KEY=value`` lines (values may be shell-quoted); None when there is no ID."""
    fields = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw_value = line.partition("=")
        try:
            words = shlex.split(raw_value)
        except ValueError:
            words = [raw_value.strip("\"'")]
        fields[key.strip()] = " ".join(words)
    if not fields.get("ID"):
        return None
    return OsRelease(
        id=fields["ID"].lower(),
        version_id=fields.get("VERSION_ID", ""),
        pretty_name=fields.get("PRETTY_NAME", ""),
        version_codename=fields.get("VERSION_CODENAME", ""),
        id_like=tuple(fields.get("ID_LIKE", "").lower().split()),
    )


def _major(version_id: str) -> str:
    return version_id.split(".")[0]


def _major_minor(version_id: str) -> str:
    return ".".join(version_id.split(".")[:2])


# os-release ID -> how OSV names that distribution's ecosystem (https://ossf.github.io/osv-schema/,
# "Defined ecosystems"). Releases are part of the name because advisories differ per release.
_ECOSYSTEMS = {
    "debian": lambda v: f"Debian:{_major(v)}",
    "ubuntu": lambda v: f"Ubuntu:{v}",
    "alpine": lambda v: f"Alpine:v{_major_minor(v)}",
    "rocky": lambda v: f"Rocky Linux:{_major(v)}",
    "almalinux": lambda v: f"AlmaLinux:{_major(v)}",
    "rhel": lambda v: f"Red Hat:enterprise_linux:{_major(v)}",
    "opensuse-leap": lambda v: f"openSUSE:Leap {v}",
    "opensuse-tumbleweed": lambda v: "openSUSE:Tumbleweed",
    "sles": lambda v: f"SUSE:Linux Enterprise Server {v.replace('.', ' SP')}",
    "mariner": lambda v: f"Mariner:{v}",
    "azurelinux": lambda v: f"Azure Linux:{_major_minor(v)}",
    "photon": lambda v: f"Photon OS:{v}",
    "wolfi": lambda v: "Wolfi",
    "chainguard": lambda v: "Chainguard",
}


def osv_ecosystem(os_release: OsRelease) -> str | None:
    """``Debian:12``, ``Alpine:v3.19``, ``Ubuntu:22.04`` ...; None for an unknown distribution.

    Debian testing/sid have no VERSION_ID and no OSV release of their own, so they get None too.
    """
    name_for = _ECOSYSTEMS.get(os_release.id)
    if name_for is None:
        return None
    if not os_release.version_id and os_release.id not in {"wolfi", "chainguard", "opensuse-tumbleweed"}:
        return None
    return name_for(os_release.version_id)
