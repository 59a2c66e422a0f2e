"""The lineage tests' world: library/debian, library/python on it, acme/app on python; an advisory the base has."""

import pytest

from images.models import Namespace
from images.services.authorization import SYSTEM
from images.services.repositories import repository_ensure
from images.services.vulns import vulnerability_import
from tests.lineage.parts import ADVISORY, base_layers, built, layer, pushed


@pytest.fixture
def world(tmp_path):
    Namespace.objects.get_or_create(name="library", defaults={"kind": Namespace.Kind.ORGANIZATION})
    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    (tmp_path / "PYSEC-2019-217.yaml").write_text(ADVISORY)
    vulnerability_import(source=str(tmp_path))
    repos = {
        name: repository_ensure(actor=SYSTEM, namespace_name=name.split("/")[0], name=name.split("/")[1])
        for name in ("library/debian", "library/python", "acme/app")
    }
    images = {
        "debian": pushed(repos["library/debian"], built(base_layers()), "bookworm"),
        "python": pushed(repos["library/python"], built([*base_layers(), layer("python")]), "3"),
        "app": pushed(repos["acme/app"], built([*base_layers(), layer("python"), layer("app")]), "1.0"),
    }
    return repos, images
