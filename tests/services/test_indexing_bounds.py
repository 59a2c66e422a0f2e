"""What the indexing service records for images that cross a bound: a clear failure on the image,
or a skipped file logged and the rest indexed, never "internal error"."""

import io
import logging

import pytest

from images.models import Namespace
from images.models.content import IndexStatus
from images.oci.build import Image
from images.services.authorization import SYSTEM
from images.services.demo import dist_info_layer, image_push
from images.services.indexing import manifest_index
from images.services.repositories import repository_ensure
from tests.helpers.hostile import gzip_tar, raw_image, write_long_name_layer

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

SITE = "usr/local/lib/python3.11/site-packages"
DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
def repository():
    Namespace.objects.create(name="acme", kind=Namespace.Kind.ORGANIZATION)
    return repository_ensure(actor=SYSTEM, namespace_name="acme", name="app")


def indexed(repository, image: Image):
    manifest = image_push(repository=repository, image=image, tag="1")
    status = manifest_index(manifest_id=manifest.pk)
    manifest.refresh_from_db()
    return status, manifest


def test_a_deeply_nested_image_config_fails_with_the_reason(repository):
    config = b'{"architecture": "amd64", "os": "linux", "history": ' + DEEP + b"}"
    status, manifest = indexed(repository, raw_image([gzip_tar({"etc/hostname": b"x\n"})], config))
    assert status == IndexStatus.FAILED
    assert manifest.index_error == "image config is nested deeper than 64 levels"


def test_an_image_config_that_is_not_an_object_fails_with_the_reason(repository):
    status, manifest = indexed(repository, raw_image([], b"[1, 2]"))
    assert (status, manifest.index_error) == (IndexStatus.FAILED, "image config is not a JSON object")


def test_a_deeply_nested_package_json_is_skipped_and_logged_and_the_rest_indexed(repository, caplog):
    files = {**dist_info_layer({"Jinja2": "2.10"}, SITE), "app/node_modules/deep/package.json": DEEP}
    with caplog.at_level(logging.WARNING, logger="images.services.indexing"):
        status, manifest = indexed(repository, raw_image([gzip_tar(files)]))
    assert (status, manifest.index_error) == (IndexStatus.INDEXED, "")
    assert list(manifest.packages.values_list("name", flat=True)) == ["Jinja2"]
    assert [record.getMessage() for record in caplog.records] == [
        f"manifest {manifest.digest}: skipped app/node_modules/deep/package.json: "
        "package.json is nested deeper than 64 levels"
    ]


def test_a_hostile_tar_header_fails_the_image_as_hostile(repository):
    layer = io.BytesIO()
    write_long_name_layer(layer, 2 << 20)
    status, manifest = indexed(repository, raw_image([gzip_tar({"etc/hostname": b"x\n"}), layer.getvalue()]))
    assert status == IndexStatus.FAILED
    assert manifest.index_error == "layer 1: GNU long-name tar header of 2097152 bytes exceeds the 1 MiB limit"
    assert not manifest.packages.exists()


def test_an_unreadable_rpm_database_fails_the_image_as_corrupt_not_internal(repository):
    layer = gzip_tar({"var/lib/rpm/rpmdb.sqlite": b"SQLite format 3\0" + bytes(100)})
    status, manifest = indexed(repository, raw_image([layer]))
    assert status == IndexStatus.FAILED
    assert manifest.index_error.startswith("layer 0: var/lib/rpm/rpmdb.sqlite: unreadable rpmdb: ")
