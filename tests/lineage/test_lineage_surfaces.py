"""Lineage on the pages, in the API and in search, for a reader who may and one who may not see a private base."""

import pytest
from django.contrib.auth.models import AnonymousUser

from images.search.service import repository_search
from images.search.terms import QueryInvalid, split_terms
from images.services.authorization import SYSTEM
from images.services.repositories import repository_ensure
from tests.lineage.parts import base_layers, built, layer, pushed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def names(result):
    return sorted(r.full_name for r in result.items)


@pytest.mark.parametrize(
    ("text", "bases"),
    [
        ("base:library/debian", ("library/debian",)),
        ("base:debian web", ("library/debian",)),
        ("base:_/x", ("library/x",)),
    ],
)
def test_base_terms(text, bases):
    assert split_terms(text)[0].bases == bases


@pytest.mark.parametrize("text", ["base:", "base:a/b/c d", "base:Not^Valid"])
def test_unreadable_base_terms_say_why(text):
    with pytest.raises(QueryInvalid, match="base:"):
        split_terms(text)


def test_base_term_and_facet(world):
    result = repository_search(user=AnonymousUser(), query="base:library/debian")
    assert names(result) == ["acme/app", "library/python"]
    assert names(repository_search(user=AnonymousUser(), query="base:library/python")) == ["acme/app"]
    assert names(repository_search(user=AnonymousUser(), query="base:acme/app")) == []
    facet = {f.value: f.count for f in repository_search(user=AnonymousUser(), query="").facets["bases"]}
    assert facet == {"library/debian": 2, "library/python": 1}


def test_a_private_base_is_neither_searchable_nor_a_facet_for_others(world, alice):
    secret = repository_ensure(actor=alice, namespace_name="alice", name="secret-base")
    secret.is_private = True
    secret.save()
    pushed(secret, built([layer("secret")]), "1")
    tool = repository_ensure(actor=SYSTEM, namespace_name="acme", name="tool")
    pushed(tool, built([layer("secret"), layer("t")]), "1")
    assert names(repository_search(user=AnonymousUser(), query="base:alice/secret-base")) == []
    assert "alice/secret-base" not in {f.value for f in repository_search(user=AnonymousUser()).facets["bases"]}
    assert names(repository_search(user=alice, query="base:alice/secret-base")) == ["acme/tool"]
    assert "alice/secret-base" in {f.value for f in repository_search(user=alice).facets["bases"]}


def test_pages_show_the_base_line_the_base_layers_and_the_dependents(world, client):
    repos, images = world
    pushed(repos["library/debian"], built(base_layers(jinja="2.10.1")), "bookworm")
    page = client.get(f"/_/python/tags/3/images/{images['python'].digest}").content.decode()
    assert "Built FROM" in page and "library/debian:bookworm" in page
    assert "rebuilding would fix 1 vulnerability" in page and "(1 critical/high)" in page and "change 1 package" in page
    assert page.count('class="badge layer-base"') == 2
    repository_page = client.get("/_/debian").content.decode()
    assert "Used as a base by 2 images" in repository_page
    assert "Images on an outdated base" not in client.get("/_/python").content.decode()  # not a publisher


def test_api_fields(world, client):
    repos, images = world
    pushed(repos["library/debian"], built(base_layers(jinja="2.10.1")), "bookworm")
    body = client.get(f"/v2/repositories/library/python/images/{images['python'].digest}/").json()
    assert body["lineage"]["base"]["repository"] == "library/debian" and body["lineage"]["base"]["layers"] == 2
    assert body["lineage"]["base_update"]["fixes"] == 1 and body["lineage"]["base_update"]["fixes_critical_high"] == 1
    assert client.get("/v2/repositories/library/debian/").json()["used_as_base_by"] == 2
    facets = client.get("/v2/search/catalog/?query=base:library/debian").json()
    assert facets["total"] == 2


def test_the_image_page_links_the_base_to_the_compare_page_and_prices_the_pull_against_it(world, client):
    repos, images = world
    base = images["python"]
    page = client.get(f"/_/python/tags/3/images/{base.digest}").content.decode()
    lineage_base = page.split('id="lineage"')[1].split("</div>")[0]
    href = lineage_base.split('">compare with the base')[0].rsplit('href="', 1)[1]
    assert href.startswith("/_/python/compare/library/debian@sha256:") and href.endswith(f"...{base.digest}")
    assert client.get(href).status_code == 200
    # With no ?have=, the download cost is worked out against the base: the layers the base has are not fetched.
    assert 'value="library/debian@sha256:' in page and "Pulling this image when you already have" in page
