"""Compare two images, layer sharing, download cost and storage use, over the services, the pages and
the API (Django's client) with images indexed by the indexer itself."""

import gzip

import pytest

from hub.accounts.services import user_create
from images.models import Layer, Manifest, Namespace
from images.oci.build import image_build, index_build, sha256
from images.selectors.diff import RefError, ref_parse
from images.services.authorization import SYSTEM
from images.services.organizations import organization_create
from images.services.repositories import repository_ensure
from images.services.vulns import vulnerability_import
from tests.compare.images import (
    ADVISORIES,
    BASE,
    EXPECTED_CONFIG,
    EXPECTED_HISTORY,
    EXPECTED_PACKAGES,
    release_1,
    release_2,
    sections,
)
from tests.search.indexed import push_and_index

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world(tmp_path):
    for name, text in ADVISORIES.items():
        (tmp_path / name).write_text(text)
    vulnerability_import(source=str(tmp_path))
    one, two = release_1(), release_2()
    push_and_index("acme", "app", "1.0", one)
    push_and_index("acme", "app", "2.0", two)
    push_and_index("acme", "worker", "1.0", two)  # another repository holding the same layers
    owner = user_create(username="olga", password="olga-password-1")
    push_and_index("olga", "secret", "1.0", one, owner=owner)  # private
    return {"one": one, "two": two, "owner": owner}


def layer_digests(image) -> list[str]:
    return [sha256(blob) for blob in image.layers]


def api(client, path, **params):
    return client.get(f"/v2/repositories/acme/app/compare/{path}", params)


def test_the_api_diff_is_right_in_each_section(client, world):
    response = api(client, "", **{"from": "1.0", "to": "2.0"})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["before"]["digest"] == world["one"].digest and answer["after"]["reference"] == "acme/app:2.0"
    got = sections(answer)
    assert got["packages"] == EXPECTED_PACKAGES
    assert got["history"] == EXPECTED_HISTORY
    assert got["fixed"] == ["PYSEC-2019-217"] and got["introduced"] == ["PYSEC-2099-1"]
    assert got["config"] == EXPECTED_CONFIG
    layers = answer["layers"]
    one, two = world["one"], world["two"]
    assert [x["digest"] for x in layers["shared"]] == [layer_digests(two)[0]]
    assert [x["digest"] for x in layers["added"]] == layer_digests(two)[1:]
    assert [x["digest"] for x in layers["removed"]] == layer_digests(one)[1:]
    uncompressed = {x["digest"]: x["uncompressed_size"] for rows in layers.values() for x in rows}
    assert uncompressed == {d: len(gzip.decompress(b)) for d, b in zip(layer_digests(two), two.layers, strict=True)} | {
        layer_digests(one)[1]: len(gzip.decompress(one.layers[1]))
    }
    size = answer["size"]
    assert size["compressed"] == {
        "before": sum(map(len, one.layers)),
        "after": sum(map(len, two.layers)),
        "delta": sum(map(len, two.layers)) - sum(map(len, one.layers)),
    }
    assert size["uncompressed"]["after"] == sum(len(gzip.decompress(b)) for b in two.layers)
    # Pulling 2.0 where 1.0 is: its config and the two layers 1.0 does not have.
    assert answer["download"] == {
        "full": len(two.config) + sum(map(len, two.layers)),
        "needed": len(two.config) + sum(map(len, two.layers[1:])),
        "blobs_total": 4,
        "blobs_needed": 3,
    }


def test_the_compare_page_shows_every_section(client, world):
    response = client.get("/r/acme/app/compare/1.0...2.0")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Layers", "1 shared · 2 added · 1 removed", "History steps", "newpkg", "Upgraded", "Downgraded",
                 "zlib1g", "PYSEC-2019-217", "PYSEC-2099-1", "1 fixed · 1 introduced", "WORKERS", "serve --fast",
                 "Compressed", "Uncompressed"):  # fmt: skip
        assert text in html, text
    assert 'class="table-wrap" tabindex="0"' in html  # tables scroll in their own box at 390 px


def test_other_repositories_and_digests_can_be_named(client, world):
    two = world["two"]
    answer = api(client, "", **{"from": "acme/worker:1.0", "to": f"@{two.digest}"}).json()
    assert answer["before"]["repository"] == "acme/worker" and answer["after"]["digest"] == two.digest
    assert answer["layers"]["added"] == answer["layers"]["removed"] == []
    assert answer["download"]["needed"] == 0
    page = client.get(f"/r/acme/app/compare/acme/worker@{two.digest}...1.0")
    assert page.status_code == 200 and "acme/worker@" in page.content.decode()


def test_an_index_is_compared_on_one_platform_and_says_so(client, world):
    arm = image_build([BASE], architecture="arm64", variant="v8")
    amd = world["one"]
    push_and_index("acme", "multi", "1", index_build([amd, arm]))
    answer = client.get("/v2/repositories/acme/multi/compare/", {"from": "1", "to": "acme/app:2.0"}).json()
    assert answer["before"]["platform"] == "linux/amd64" and answer["before"]["digest"] == amd.digest
    assert answer["before"]["platforms"] == ["linux/amd64", "linux/arm64/v8"]
    arm_answer = client.get(
        "/v2/repositories/acme/multi/compare/", {"from": "1", "to": "1", "platform": "linux/arm64/v8"}
    ).json()
    assert arm_answer["before"]["digest"] == arm.digest
    html = client.get("/r/acme/multi/compare/1...acme/app:2.0").content.decode()
    assert "Multi-platform: comparing the linux/amd64 images" in html and "?platform=linux/arm64/v8" in html
    missing = client.get("/v2/repositories/acme/multi/compare/", {"from": "1", "to": "1", "platform": "linux/s390x"})
    assert missing.status_code == 404 and "no platform linux/s390x" in missing.json()["message"]


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"from": "1.0"}, 400, "name an image"),
        ({"from": "1.0", "to": "sha256:!!"}, 400, "is not a digest"),
        ({"from": "1.0", "to": "bad tag"}, 400, "is not a tag name"),
        ({"from": "1.0", "to": "9.9"}, 404, "tag 9.9 not found"),
        ({"from": "1.0", "to": "sha256:" + "0" * 64}, 404, "not found in acme/app"),
        ({"from": "1.0", "to": "nobody/nothing:1"}, 404, "repository nobody/nothing not found"),
        ({"from": "1.0", "to": "2.0", "platform": "linux"}, 400, "is not a platform"),
    ],
)
def test_bad_references_are_a_4xx_with_a_message(client, world, params, status, message):
    response = api(client, "", **params)
    assert response.status_code == status
    assert message in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("1.0", 400, "Write the comparison as"),
        ("1.0...9.9", 404, "tag 9.9 not found"),
        ("1.0...sha256:!!", 400, "is not a digest"),
    ],
)
def test_bad_references_on_the_page_are_a_readable_4xx(client, world, path, status, message):
    response = client.get(f"/r/acme/app/compare/{path}")
    assert response.status_code == status
    assert message in response.content.decode()
    assert "<main" in response.content.decode()  # in the site's layout


def test_a_private_repository_is_invisible_to_whoever_may_not_read_it(client, world):
    hidden = api(client, "", **{"from": "1.0", "to": "olga/secret:1.0"})
    missing = api(client, "", **{"from": "1.0", "to": "olga/nothing:1.0"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace("secret", "X") == missing.json()["message"].replace("nothing", "X")
    assert client.get("/r/acme/app/compare/1.0...olga/secret:1.0").status_code == 404
    assert client.get("/r/olga/secret/compare/1.0...1.0").status_code == 404
    client.force_login(world["owner"])
    assert api(client, "", **{"from": "1.0", "to": "olga/secret:1.0"}).status_code == 200
    assert client.get("/r/olga/secret/compare/1.0...acme/app:2.0").status_code == 200


def test_the_tags_list_links_each_tag_to_a_compare_with_the_previous(client, world):
    html = client.get("/r/acme/app/tags").content.decode()
    assert 'href="/r/acme/app/compare/1.0...2.0"' in html
    assert html.count("compare with previous") == 1  # 1.0 has none before it


def test_the_image_page_shows_sharing_and_the_download_cost_next_to_the_previous_tag(client, world):
    two = world["two"]
    html = client.get(f"/r/acme/app/tags/2.0/images/{two.digest}").content.decode()
    assert 'id="sharing"' in html
    # The base layer: 1.0 here, 2.0 in acme/worker (olga/secret is private: not counted).
    assert "2 other images in 2 repositories" in html
    assert "1 other image in 1 repository" in html  # 2.0's own layers: acme/worker:1.0
    assert 'value="1.0"' in html  # the picker defaults to the previous tag
    assert "Pulling this image when you already have <code>acme/app:1.0</code> downloads" in html
    assert "(3 of 4 blobs)" in html
    other = client.get(f"/r/acme/app/tags/2.0/images/{two.digest}", {"have": "acme/worker:1.0"}).content.decode()
    assert "(0 of 4 blobs)" in other
    bad = client.get(f"/r/acme/app/tags/2.0/images/{two.digest}", {"have": "olga/secret:1.0"})
    assert bad.status_code == 200 and "repository olga/secret not found" in bad.content.decode()
    first = client.get(f"/r/acme/app/tags/1.0/images/{world['one'].digest}").content.decode()
    assert "No earlier tag to compare with" in first


def test_indexing_records_each_layers_uncompressed_size_and_the_total(world):
    two = world["two"]
    manifest = Manifest.objects.get(repository__name="app", digest=two.digest)
    sizes = list(Layer.objects.filter(manifest=manifest, empty_layer=False).values_list("uncompressed_size", flat=True))
    assert sizes == [len(gzip.decompress(blob)) for blob in two.layers]
    assert manifest.uncompressed_size == sum(sizes)
    assert Layer.objects.filter(manifest=manifest, empty_layer=True).values_list("uncompressed_size", flat=True)[0] == 0


def test_storage_use_counts_each_blob_once_per_namespace(client, world):
    one, two = world["one"], world["two"]
    alice = user_create(username="alice", password="alice-password-1")
    organization_create(owner=alice, name="acmeorg", display_name="Acme")
    repository = repository_ensure(actor=SYSTEM, namespace_name="acmeorg", name="a")
    assert repository.namespace.kind == Namespace.Kind.ORGANIZATION
    push_and_index("acmeorg", "a", "1", one)
    push_and_index("acmeorg", "a", "2", two)
    push_and_index("acmeorg", "b", "1", two)
    blob_sizes = {**{d: len(b) for d, b in one.blobs.items()}, **{d: len(b) for d, b in two.blobs.items()}}
    assert client.get("/v2/namespaces/acmeorg/storage/").status_code == 401
    client.force_login(alice)
    answer = client.get("/v2/namespaces/acmeorg/storage/").json()
    assert answer["total"] == sum(blob_sizes.values()) and answer["blobs"] == len(blob_sizes)
    rows = {row["name"]: row for row in answer["repositories"]}
    assert rows["a"]["total"] == answer["total"] and rows["b"]["total"] == sum(map(len, two.blobs.values()))
    assert rows["b"]["unique"] == 0 and rows["a"]["shared"] == rows["b"]["total"]
    assert answer["sum_of_repositories"] == answer["total"] + rows["b"]["total"]
    page = client.get("/console/storage/acmeorg")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="storage-bar"' in html and 'role="img"' in html and "sharing saves" in html
    assert 'href="/console/storage/acmeorg"' in client.get("/console/").content.decode()
    outsider = user_create(username="zed", password="zed-password-1")
    client.force_login(outsider)
    assert client.get("/v2/namespaces/acmeorg/storage/").status_code == 403
    assert client.get("/console/storage/acmeorg").status_code == 403
    assert client.get("/v2/namespaces/nowhere/storage/").status_code == 404


def test_ref_parse_reads_every_spelling():
    assert ref_parse("1.0") == ref_parse(" 1.0 ")
    assert (ref_parse("library/debian:12").namespace, ref_parse("library/debian:12").tag) == ("library", "12")
    assert ref_parse("acme/team/app@sha256:" + "a" * 64).name == "team/app"
    assert ref_parse("acme/app").tag == "latest"
    assert ref_parse("@sha256:" + "b" * 64).digest == "sha256:" + "b" * 64
    with pytest.raises(RefError):
        ref_parse("/app:1")
