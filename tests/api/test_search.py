"""Docker Hub's search APIs over the catalogue's one search service."""

import pytest

from images.search.facets import SearchFilters
from images.search.service import repository_search

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

RESULT_KEYS = {
    "id", "name", "slug", "type", "publisher", "created_at", "updated_at", "short_description", "badge",
    "star_count", "pull_count", "operating_systems", "architectures", "categories", "posture",
    "matches",  # Hub's own: what matched a pkg:/cve: ... term (tests/search/test_packages.py)
}  # fmt: skip


def names(body) -> list[str]:
    return [r["id"] for r in body["results"]]


def test_catalog_shape(client, shelf):
    response = client.get("/v2/search/catalog/", {"query": "nginx"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "total_is_approximate", "results", "facets"} and body["total"] == 3
    assert body["total_is_approximate"] is False
    first = body["results"][0]
    assert set(first) == RESULT_KEYS
    assert first["id"] == "library/nginx" and first["name"] == "nginx" and first["badge"] == "official"
    assert first["architectures"] == [{"name": "amd64", "label": "x86-64"}, {"name": "arm64", "label": "ARM 64"}]
    assert first["operating_systems"] == [{"name": "linux", "label": "Linux"}]
    assert {f["value"]: f["count"] for f in body["facets"]["badges"]} == {
        "official": 1, "verified_publisher": 1, "open_source": 0,
    }  # fmt: skip
    # Docker Hub's own path for the same search.
    assert client.get("/api/search/v3/catalog/search", {"query": "nginx"}).json() == body


def test_same_order_as_the_service(client, shelf):
    for sort, service_sort in (
        ("best_match", "best"),
        ("pull_count", "pulls"),
        ("star_count", "stars"),
        ("fewest_vulnerabilities", "vulns"),
    ):
        expected = [r.full_name for r in repository_search(user=None, query="", sort=service_sort).items]
        assert names(client.get("/v2/search/catalog/", {"sort": sort}).json()) == expected


def test_filters(client, shelf):
    official = client.get("/v2/search/catalog/", {"query": "nginx", "badges": "official,verified_publisher"}).json()
    assert names(official) == ["library/nginx", "bitnami/nginx"]
    arm = client.get("/v2/search/catalog/", {"architectures": "arm64"}).json()
    expected = repository_search(user=None, filters=SearchFilters(architectures=("arm64",))).items
    assert names(arm) == [r.full_name for r in expected] == ["library/nginx"]
    databases = client.get("/v2/search/catalog/", {"categories": "databases-storage"}).json()
    assert names(databases) == ["library/redis"]
    assert client.get("/v2/search/catalog/", {"operating_systems": "windows"}).json()["total"] == 0


def test_from_size_and_ascending(client, shelf):
    everything = names(client.get("/v2/search/catalog/", {"sort": "pull_count"}).json())
    assert len(everything) == 4
    page = client.get("/v2/search/catalog/", {"sort": "pull_count", "from": 1, "size": 2}).json()
    assert names(page) == everything[1:3] and page["total"] == 4
    ascending = client.get("/v2/search/catalog/", {"sort": "pull_count", "order": "asc", "size": 3}).json()
    assert names(ascending) == everything[::-1][:3]
    tail = client.get("/v2/search/catalog/", {"sort": "pull_count", "order": "asc", "from": 3}).json()
    assert names(tail) == everything[:1]
    assert client.get("/v2/search/catalog/", {"order": "asc", "from": 50}).json()["results"] == []


@pytest.mark.parametrize(
    "params",
    [{"sort": "random"}, {"order": "up"}, {"from": "-1"}, {"size": "0"}, {"size": "101"}, {"badges": "gold"},
     {"from": "x"}],
)  # fmt: skip
def test_catalog_errors(client, shelf, params):
    response = client.get("/v2/search/catalog/", params)
    assert response.status_code == 400
    assert response.json()["message"]


def test_classic_search(client, shelf):
    body = client.get("/v2/search/repositories/", {"query": "nginx", "page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 3
    assert body["results"][0] == {
        "repo_name": "nginx", "short_description": "Official build of Nginx.", "star_count": 50,
        "pull_count": 1_000_000, "repo_owner": "library", "is_automated": False, "is_official": True,
    }  # fmt: skip
    assert "page=2" in body["next"] and body["previous"] is None
    second = client.get(body["next"]).json()
    assert [r["repo_name"] for r in second["results"]] == ["alice/nginx-proxy"] and second["next"] is None


def test_capped_totals(client, shelf, settings):
    """Past the count cap: the cap, marked approximate where the shape has room for it (/v1/search has not)."""
    settings.HUB_SEARCH_COUNT_CAP = 2
    body = client.get("/v2/search/catalog/", {"query": "nginx"}).json()
    assert body["total"] == 2 and body["total_is_approximate"] is True
    assert names(body)[0] == "library/nginx" and len(body["results"]) == 3
    assert client.get("/v2/search/repositories/", {"query": "nginx"}).json()["count"] == 2
    v1 = client.get("/v1/search", {"q": "nginx"}).json()
    assert v1["num_results"] == 2 and "total_is_approximate" not in v1
