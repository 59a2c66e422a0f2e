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
