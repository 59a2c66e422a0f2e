"""The whole path from layer blobs to attributed packages, over layers made of real files."""

import gzip
import io
from pathlib import Path

from images.indexing.inventory import index_layers

from .test_layers import GZIP, tar_of

FIXTURES = Path(__file__).parent / "fixtures"
STATUS = (FIXTURES / "dpkg" / "debian-12-excerpt.status").read_text()


def stanzas_of(*names):
    return "\n\n".join(s for s in STATUS.split("\n\n") if s.split("\n")[0].split(": ")[1] in names) + "\n"


def test_packages_are_attributed_to_the_layer_that_introduced_them():
    base = tar_of(
        ("usr/lib/os-release", (FIXTURES / "os-release" / "debian-12").read_bytes()),
        ("etc/os-release", "->", "../usr/lib/os-release"),
        ("var/lib/dpkg/status", stanzas_of("base-files", "libc6", "bash").encode()),
    )
    apt_layer = tar_of(("var/lib/dpkg/status", stanzas_of("base-files", "libc6", "bash", "apt").encode()))
    python_layer = tar_of(
        (
            "usr/local/lib/python3.11/site-packages/six-1.17.0.dist-info/METADATA",
            (FIXTURES / "python" / "six-1.17.0.dist-info" / "METADATA").read_bytes(),
        ),
        ("var/lib/dpkg/status", stanzas_of("base-files", "libc6", "apt").encode()),  # bash removed
        ("usr/local/bin/skopeo-like", (FIXTURES / "golang" / "skopeo.buildinfo").read_bytes(), 0o755),
        ("opt/lib/opentest4j-1.3.0.jar", (FIXTURES / "java" / "opentest4j-1.3.0.jar").read_bytes()),
    )
    blobs = [base, apt_layer, python_layer]
    inventory = index_layers((i, io.BytesIO(gzip.compress(blob)), GZIP) for i, blob in enumerate(blobs))

    assert inventory.ecosystem == "Debian:12"
    assert sorted((p.type, p.name, p.layer_index) for p in inventory.packages) == [
        ("deb", "apt", 1),
        ("deb", "base-files", 0),
        ("deb", "libc6", 0),
        ("golang", "stdlib", 2),
        ("maven", "opentest4j", 2),
        ("pypi", "six", 2),
    ]
    apt = next(p for p in inventory.packages if p.name == "apt")
    assert apt.purl == "pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12"


def test_a_package_removed_and_installed_again_counts_from_its_return():
    with_apt = stanzas_of("apt").encode()
    blobs = [
        tar_of(("var/lib/dpkg/status", with_apt)),
        tar_of(("var/lib/dpkg/status", b"")),
        tar_of(("var/lib/dpkg/status", with_apt)),
    ]
    inventory = index_layers((i, io.BytesIO(blob), "") for i, blob in enumerate(blobs))
    assert [(p.name, p.layer_index) for p in inventory.packages] == [("apt", 2)]
    assert inventory.os_release is None and inventory.ecosystem is None
