"""Tags with their images per platform and layers; a tag pushed through the registry."""

import pytest

from images.models import Tag
from tests.api.conftest import bearer, pat
from tests.registry.conftest import OCI_MANIFEST, RegistryClient

pytestmark = pytest.mark.django_db

TAG_KEYS = {
    "id", "name", "repository", "creator", "last_updater", "last_updater_username", "last_updated",
    "tag_last_pushed", "tag_last_pulled", "tag_status", "v2", "digest", "media_type", "content_type", "full_size",
    "images",
}  # fmt: skip
IMAGE_KEYS = {
    "architecture", "features", "variant", "digest", "os", "os_features", "os_version", "size", "status",
    "last_pulled", "last_pushed", "index_status", "layers",
}  # fmt: skip


def test_list_shape(client, shelf):
    response = client.get("/v2/repositories/library/nginx/tags/", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 4
    tag = body["results"][0]
    assert set(tag) == TAG_KEYS
    assert tag["v2"] is True and tag["tag_status"] == "active" and tag["content_type"] == "image"
    assert tag["media_type"] == "application/vnd.oci.image.index.v1+json"
    assert [(i["os"], i["architecture"], i["variant"]) for i in tag["images"]] == [
        ("linux", "amd64", None),
        ("linux", "arm64", "v8"),
    ]
    assert set(tag["images"][0]) == IMAGE_KEYS


def test_layers_of_an_indexed_image(client, shelf):
    tag = client.get("/v2/repositories/library/nginx/tags/latest/").json()
    amd64 = tag["images"][0]
    assert amd64["digest"] == shelf["image"].digest
    assert amd64["size"] == 42_000 and tag["full_size"] == 42_000
    assert [(layer["size"], layer["instruction"]) for layer in amd64["layers"]] == [
        (30_000, "/bin/sh -c #(nop) ADD file:abc in / "),
        (0, '/bin/sh -c #(nop) CMD ["nginx"]'),
        (12_000, "RUN apt-get install -y openssl"),
    ]
    assert amd64["layers"][1]["digest"] is None and amd64["layers"][0]["digest"].startswith("sha256:")
    images = client.get("/v2/repositories/library/nginx/tags/latest/images").json()
    assert images == tag["images"]


@pytest.mark.parametrize(
    "ordering, names",
    [("name", ["1.10", "1.27", "1.9", "latest"]), ("-name", ["latest", "1.9", "1.27", "1.10"]),
     ("version", ["1.9", "1.10", "1.27", "latest"]), ("-version", ["latest", "1.27", "1.10", "1.9"])],
)  # fmt: skip
def test_ordering(client, shelf, ordering, names):
    body = client.get("/v2/repositories/library/nginx/tags", {"ordering": ordering, "page_size": 100}).json()
    assert [t["name"] for t in body["results"]] == names


def test_last_updated_and_name_filter(client, shelf):
    nginx = shelf["nginx"]
    Tag.objects.filter(repository=nginx, name="1.9").update(pushed_at=nginx.created_at.replace(year=2030))
    newest = client.get("/v2/repositories/library/nginx/tags").json()["results"]
    assert newest[0]["name"] == "1.9"
    oldest = client.get("/v2/repositories/library/nginx/tags", {"ordering": "last_updated"}).json()["results"]
    assert oldest[-1]["name"] == "1.9"
    filtered = client.get("/v2/repositories/library/nginx/tags", {"name": "1."}).json()
    assert filtered["count"] == 3


def test_errors(client, shelf):
    assert client.get("/v2/repositories/library/nginx/tags", {"ordering": "size"}).status_code == 400
    assert client.get("/v2/repositories/library/nginx/tags", {"page_size": "x"}).status_code == 400
    assert client.get("/v2/repositories/library/nginx/tags/nope/").status_code == 404
    assert client.get("/v2/repositories/library/nginx/tags/%20bad%20/").status_code == 404
    assert client.get("/v2/repositories/alice/secret-nginx/tags/").status_code == 404


def test_pushed_through_the_registry(client, alice):
    registry = RegistryClient(client, "alice", "alice-password")
    digest, _ = registry.push_image("alice/app", "v1", layers=(b"one", b"two"))
    client.logout()
    tag = client.get("/v2/repositories/alice/app/tags/v1/").json()
    assert tag["digest"] == digest and tag["media_type"] == OCI_MANIFEST
    assert tag["last_updater_username"] == "alice"
    assert tag["images"][0]["digest"] == digest
    assert tag["images"][0]["index_status"] in ("pending", "queued", "indexing", "indexed", "failed")


def test_delete_tag(client, alice, shelf):
    from tests.search import catalogue

    repo = catalogue.repository("alice/tagged", tags=("a", "b"))
    path = "/v2/repositories/alice/tagged/tags/a/"
    assert client.delete(path).status_code == 401
    assert client.delete(path, **bearer(pat(alice, "read-write"))).status_code == 403
    assert client.delete(path, **bearer(pat(alice, "read-write-delete"))).status_code == 204
    assert list(Tag.objects.filter(repository=repo).values_list("name", flat=True)) == ["b"]
    assert client.delete(path, **bearer(pat(alice, "read-write-delete"))).status_code == 404
