"""Saved searches and alerts over real images, pushed through the registry's services and indexed."""

import pytest

from images.oci.build import LayerSpec, image_build
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index
from images.services.organizations import organization_create
from images.services.repositories import repository_ensure

DPKG_STATUS = b"""Package: base-files
Status: install ok installed
Priority: required
Architecture: amd64
Version: 12.4+deb12u5

"""
OS_RELEASE = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
SITE = "usr/local/lib/python3.11/site-packages"
# A critical advisory (CVSS 9.8) on Jinja2 before 2.10.1, in the OSV format the importer reads.
JINJA_CRITICAL = """{
  "id": "PYSEC-2099-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-0001"],
  "summary": "Sandbox escape",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{"package": {"ecosystem": "PyPI", "name": "jinja2"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.10.1"}]}]}]
}
"""


def app_image(jinja: str = "2.10", marker: str = ""):
    return image_build(
        [
            LayerSpec({"usr/lib/os-release": OS_RELEASE, "var/lib/dpkg/status": DPKG_STATUS}, "ADD rootfs.tar /"),
            LayerSpec(dist_info_layer({"Jinja2": jinja}, SITE), f"RUN pip install Jinja2=={jinja} {marker}"),
        ],
        cmd=["python3"],
    )


def push_indexed(namespace: str, name: str, tag: str, *, jinja: str = "2.10"):
    """Push an image (as a client would) and index it (as the worker would)."""
    repository = repository_ensure(actor=SYSTEM, namespace_name=namespace, name=name)
    manifest = image_push(repository=repository, image=app_image(jinja, marker=f"{name}:{tag}"), tag=tag)
    assert manifest_index(manifest_id=manifest.pk) == "indexed"
    return repository


@pytest.fixture
def acme(alice):
    return organization_create(owner=alice, name="acme")


@pytest.fixture
def advisory(tmp_path):
    path = tmp_path / "advisories"
    path.mkdir()
    (path / "PYSEC-2099-1.json").write_text(JINJA_CRITICAL)
    return str(path)
