"""Two releases of one app on one Debian base, built offline from real layers: what the compare,
sharing and storage tests push (through the services here, with skopeo in tests/integration).

  1.0  base (Debian 12: libc6, zlib1g 1:1.2.13, openssl 3.0.11, oldpkg)
       + pip (Jinja2 2.10, six, requests 2.9.0)
  2.0  base + apt layer (zlib1g 1:1.2.12, openssl 3.0.15, newpkg, no oldpkg)
       + pip (Jinja2 2.11.3, Flask, requests 2.10.0)
"""

from images.oci.build import LayerSpec, image_build
from images.services.demo import dist_info_layer
from tests.search.indexed import DEBIAN_12, JINJA_ADVISORY, SITE, dpkg_status

FLASK_ADVISORY = """\
id: PYSEC-2099-1
modified: "2099-01-01T00:00:00Z"
details: A made-up flaw in Flask 3.0.0, for the compare tests.
severity:
- type: CVSS_V3
  score: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N
affected:
- package: {name: flask, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}, {fixed: 3.0.1}]
"""
ADVISORIES = {"PYSEC-2019-217.yaml": JINJA_ADVISORY, "PYSEC-2099-1.yaml": FLASK_ADVISORY}

BASE_DEBS = {"libc6": "2.36-9", "zlib1g": "1:1.2.13.dfsg-1", "openssl": "3.0.11-1~deb12u2", "oldpkg": "1.0-1"}
APT_DEBS = {"libc6": "2.36-9", "zlib1g": "1:1.2.12-1", "openssl": "3.0.15-1~deb12u1", "newpkg": "2.0-1"}
BASE = LayerSpec({"usr/lib/os-release": DEBIAN_12, "var/lib/dpkg/status": dpkg_status(BASE_DEBS)}, "ADD rootfs.tar /")
APT = LayerSpec({"var/lib/dpkg/status": dpkg_status(APT_DEBS)}, "RUN apt-get install -y newpkg && apt-get purge oldpkg")
PIP = "RUN pip install -r requirements.txt"
VERSION_LABEL = "org.opencontainers.image.version"


def release_1():
    pip = LayerSpec(dist_info_layer({"Jinja2": "2.10", "six": "1.16.0", "requests": "2.9.0"}, SITE), PIP)
    return image_build(
        [BASE, pip], env=["PATH=/usr/bin:/bin", "MODE=dev"], cmd=["serve"], labels={VERSION_LABEL: "1.0"}
    )


def release_2():
    pip = LayerSpec(dist_info_layer({"Jinja2": "2.11.3", "Flask": "3.0.0", "requests": "2.10.0"}, SITE), PIP)
    return image_build(
        [BASE, APT, pip],
        env=["PATH=/usr/bin:/bin", "MODE=prod", "WORKERS=4"],
        cmd=["serve", "--fast"],
        labels={VERSION_LABEL: "2.0"},
    )


# What the diff of 1.0...2.0 must say, section by section (the API's shapes).
EXPECTED_PACKAGES = {
    "added": [("deb", "newpkg", None, "2.0-1"), ("pypi", "Flask", None, "3.0.0")],
    "removed": [("deb", "oldpkg", "1.0-1", None), ("pypi", "six", "1.16.0", None)],
    "upgraded": [
        ("deb", "openssl", "3.0.11-1~deb12u2", "3.0.15-1~deb12u1"),
        ("pypi", "Jinja2", "2.10", "2.11.3"),
        ("pypi", "requests", "2.9.0", "2.10.0"),  # PyPI order: 2.10 is after 2.9
    ],
    "downgraded": [("deb", "zlib1g", "1:1.2.13.dfsg-1", "1:1.2.12-1")],
    "changed": [],
}
EXPECTED_HISTORY = [
    ("same", "ADD rootfs.tar /"),
    ("added", APT.created_by),
    ("same", PIP),
    ("removed", 'CMD ["serve"]'),
    ("added", 'CMD ["serve", "--fast"]'),
]
EXPECTED_CONFIG = [
    {"field": "cmd", "key": "", "before": "serve", "after": "serve --fast"},
    {"field": "env", "key": "MODE", "before": "dev", "after": "prod"},
    {"field": "env", "key": "WORKERS", "before": None, "after": "4"},
    {"field": "label", "key": VERSION_LABEL, "before": "1.0", "after": "2.0"},
]


def sections(answer: dict) -> dict:
    """The compare answer's sections in the shapes above."""
    return {
        "packages": {
            bucket: [(p["type"], p["name"], p["before"], p["after"]) for p in rows]
            for bucket, rows in answer["packages"].items()
        },
        "history": [(step["change"], step["instruction"]) for step in answer["history"]],
        "fixed": [f["id"] for f in answer["vulnerabilities"]["fixed"]],
        "introduced": [f["id"] for f in answer["vulnerabilities"]["introduced"]],
        "config": answer["config"],
    }
