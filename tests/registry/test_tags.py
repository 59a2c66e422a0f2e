"""Content discovery: tag listing with `n`, `last` and `Link` (spec: "Listing tags")."""

import pytest

from tests.registry.conftest import RegistryClient

TAGS = ["1.0", "1.1", "10.0", "2.0", "Latest", "latest", "z_last"]


@pytest.fixture
def tagged(registry):
    registry.push_image("alice/app", TAGS[0])
    digest, body = registry.push_image("alice/app", None)
    for tag in TAGS[1:]:
        registry.call(
            "PUT", f"/v2/alice/app/manifests/{tag}", body, content_type="application/vnd.oci.image.manifest.v1+json"
        )
    return registry


@pytest.mark.both_databases
def test_all_tags_in_lexical_order(tagged):
    response = tagged.call("GET", "/v2/alice/app/tags/list")
    assert response.status_code == 200
    assert response.json() == {"name": "alice/app", "tags": sorted(TAGS)}
    assert "Link" not in response


@pytest.mark.both_databases
def test_pages_with_n_and_last(tagged):
    seen, path = [], "/v2/alice/app/tags/list?n=3"
    while path:
        response = tagged.call("GET", path)
        seen += response.json()["tags"]
        link = response.get("Link")
        path = link[1 : link.index(">")] if link else None
    assert seen == sorted(TAGS)
    response = tagged.call("GET", "/v2/alice/app/tags/list?n=2&last=2.0")
    assert response.json()["tags"] == ["Latest", "latest"]
    assert response["Link"] == '</v2/alice/app/tags/list?n=2&last=latest>; rel="next"'


def test_n_zero_and_last_past_the_end(tagged):
    assert tagged.call("GET", "/v2/alice/app/tags/list?n=0").json()["tags"] == []
    assert tagged.call("GET", "/v2/alice/app/tags/list?last=zzz").json()["tags"] == []


@pytest.mark.parametrize("n", ["-1", "abc", "100001"])
def test_invalid_n(tagged, n):
    response = tagged.call("GET", f"/v2/alice/app/tags/list?n={n}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "PAGINATION_NUMBER_INVALID"


def test_unknown_repository(registry):
    response = registry.call("GET", "/v2/alice/none/tags/list")
    assert response.status_code == 404 or response.status_code == 401


def test_anonymous_reads_public_tags(tagged, client):
    anonymous = RegistryClient(client)
    response = anonymous.call("GET", "/v2/alice/app/tags/list", scopes=("repository:alice/app:pull",))
    assert response.status_code == 200
