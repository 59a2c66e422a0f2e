import pytest

from images.models import Namespace
from images.models.catalogue import RepositoryPlatform
from images.oci.build import LayerSpec, image_build
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index
from images.services.repositories import repository_ensure

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def indexed():
    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    repository = repository_ensure(actor=SYSTEM, namespace_name="acme", name="app")
    image = image_build(
        [LayerSpec(dist_info_layer({"Jinja2": "2.10"}, "usr/lib/python3/site-packages"), "RUN pip install")],
        architecture="arm64",
    )
    manifest = image_push(repository=repository, image=image, tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    return repository, manifest


def test_cyclonedx_and_spdx_downloads(client, indexed):
    repository, manifest = indexed
    cdx = client.get(f"/r/acme/app/sbom/{manifest.digest}.cdx.json")
    assert cdx.status_code == 200
    assert "attachment" in cdx["Content-Disposition"]
    assert cdx.json()["bomFormat"] == "CycloneDX"
    assert [c["purl"] for c in cdx.json()["components"]] == ["pkg:pypi/jinja2@2.10"]
    spdx = client.get(f"/r/acme/app/sbom/{manifest.digest}.spdx.json").json()
    assert spdx["spdxVersion"] == "SPDX-2.3"
    assert any(p["name"] == "Jinja2" for p in spdx["packages"])


def test_unknown_format_or_image_is_404(client, indexed):
    _, manifest = indexed
    assert client.get(f"/r/acme/app/sbom/{manifest.digest}.xml.json").status_code == 404
    assert client.get("/r/acme/app/sbom/sha256:" + "0" * 64 + ".cdx.json").status_code == 404


def test_private_repository_sbom_is_hidden(client, indexed):
    repository, manifest = indexed
    repository.is_private = True
    repository.save()
    assert client.get(f"/r/acme/app/sbom/{manifest.digest}.cdx.json").status_code == 404


def test_indexing_refreshes_the_platform_facets(indexed):
    repository, _ = indexed
    assert list(RepositoryPlatform.objects.filter(repository=repository).values_list("architecture", flat=True)) == [
        "arm64"
    ]


DEP5 = b"""\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: zlib

Files: *
Copyright: 1995-2022 Jean-loup Gailly and Mark Adler
License: Zlib

Files: debian/*
Copyright: 2024 A Maintainer
License: GPL-2+ or public-domain
"""
STATUS = b"""\
Package: zlib1g
Status: install ok installed
Architecture: amd64
Version: 1:1.2.13.dfsg-1

Package: zlib1g-dev
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1

"""
METADATA = b"""\
Metadata-Version: 2.1
Name: oauthlib
Version: 3.2.2
License: BSD
Classifier: License :: OSI Approved :: BSD License
"""


@pytest.fixture
def licensed():
    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    repository = repository_ensure(actor=SYSTEM, namespace_name="acme", name="libs")
    debian = LayerSpec(
        {
            "etc/os-release": b'ID=debian\nVERSION_ID="12"\n',
            "var/lib/dpkg/status": STATUS,
            "usr/share/doc/zlib1g/copyright": DEP5,
        },
        "ADD rootfs.tar.xz /",
        symlinks={"usr/share/doc/zlib1g-dev": "zlib1g"},  # as dpkg installs a -dev package's docs
    )
    python = LayerSpec(
        {"usr/lib/python3/site-packages/oauthlib-3.2.2.dist-info/METADATA": METADATA}, "RUN pip install oauthlib"
    )
    manifest = image_push(repository=repository, image=image_build([debian, python]), tag="1.0")
    manifest_index(manifest_id=manifest.pk)
    return manifest


EXPRESSION = "Zlib AND (GPL-2.0-or-later OR LicenseRef-public-domain)"


def test_licences_as_spdx_in_both_sboms(client, licensed):
    cdx = client.get(f"/r/acme/libs/sbom/{licensed.digest}.cdx.json").json()
    assert {c["name"]: c["licenses"] for c in cdx["components"]} == {
        "zlib1g": [{"expression": EXPRESSION}],
        "zlib1g-dev": [{"expression": EXPRESSION}],
        "oauthlib": [{"license": {"id": "BSD-3-Clause"}}],
    }
    spdx = client.get(f"/r/acme/libs/sbom/{licensed.digest}.spdx.json").json()
    assert {p["name"]: p["licenseDeclared"] for p in spdx["packages"][1:]} == {
        "zlib1g": EXPRESSION,
        "zlib1g-dev": EXPRESSION,
        "oauthlib": "BSD-3-Clause",
    }
    assert [info["licenseId"] for info in spdx["hasExtractedLicensingInfos"]] == ["LicenseRef-public-domain"]


def test_licences_on_the_image_page_and_in_the_api(client, licensed):
    packages = client.get(f"/v2/repositories/acme/libs/images/{licensed.digest}/packages/").json()["results"]
    assert {p["name"]: p["licenses"] for p in packages} == {
        "zlib1g": [EXPRESSION],
        "zlib1g-dev": [EXPRESSION],
        "oauthlib": ["BSD-3-Clause"],
    }
    html = client.get(f"/r/acme/libs/tags/1.0/images/{licensed.digest}").content.decode()
    assert f"<code>{EXPRESSION}</code>" in html and "<code>BSD-3-Clause</code>" in html
