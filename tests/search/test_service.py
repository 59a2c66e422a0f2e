"""Ranking, facets, filters and visibility of repository_search(), on SQLite and on PostgreSQL."""

import pytest

from hub.accounts.services import user_create
from images.models import Repository
from images.search.facets import SearchFilters
from images.search.service import repository_search
from images.services.search_index import repository_platforms_refresh
from tests.search import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def names(result) -> list[str]:
    return [repo.full_name for repo in result.items]


def facet(result, group) -> dict[str, int]:
    return {f.value: f.count for f in result.facets[group]}


@pytest.fixture
def web_servers():
    catalogue.namespace("bitnami", verified=True)
    catalogue.namespace("apache", sponsored=True)
    catalogue.repository(
        "library/nginx",
        short="Official build of Nginx.",
        pulls=1_000_000,
        categories=("web-servers",),
        platforms=("linux/amd64", "linux/arm64/v8", "linux/arm/v7"),
    )
    catalogue.repository("bitnami/nginx", short="Bitnami nginx", trusted="verified", pulls=5_000_000)
    catalogue.repository("alice/nginx-proxy", short="Automated reverse proxy", pulls=900)
    catalogue.repository("bob/prometheus-nginx-exporter", short="Exports metrics", pulls=10_000_000)
    catalogue.repository("carol/mynginxfork", pulls=1)
    catalogue.repository(
        "carol/webserver", short="A small web server built on nginx", categories=("web-servers",), pulls=50
    )
    catalogue.repository("dave/static", short="Static files", readme="# Static\n\nServed by nginx.", pulls=10**9)
    catalogue.repository(
        "apache/httpd-tools",
        short="Tools for the Apache HTTP server",
        trusted="sponsored",
        categories=("web-servers", "developer-tools"),
        platforms=("windows/amd64",),
    )
    catalogue.repository("library/redis", short="Redis is an in-memory database", categories=("databases-storage",))


def test_exact_name_first_then_prefix_word_substring_description_readme(web_servers):
    result = repository_search(user=None, query="nginx")
    assert names(result) == [
        "library/nginx",  # exact, official
        "bitnami/nginx",  # exact, verified (more pulls, but trusted content breaks the tie first)
        "alice/nginx-proxy",  # name prefix
        "bob/prometheus-nginx-exporter",  # a word of the name
        "carol/mynginxfork",  # a substring of the name
        "carol/webserver",  # short description
        "dave/static",  # README only, despite a billion pulls
    ]
    assert result.total == 7


def test_typo_in_name_finds_the_repository(web_servers):
    result = repository_search(user=None, query="ngnix")
    assert names(result)[:2] == ["library/nginx", "bitnami/nginx"]
    assert result.typo_matches
    assert names(repository_search(user=None, query="reddis")) == ["library/redis"]


def test_namespace_slash_name_and_official_shorthand(web_servers):
    assert names(repository_search(user=None, query="bitnami/nginx")) == ["bitnami/nginx"]
    assert names(repository_search(user=None, query="_/nginx")) == ["library/nginx"]
    assert names(repository_search(user=None, query="library/")) == ["library/nginx", "library/redis"]


def test_name_colon_tag_needs_the_tag(web_servers):
    nginx = Repository.objects.get(namespace__name="bitnami", name="nginx")
    catalogue.image_tag(nginx, "1.27.3")
    assert names(repository_search(user=None, query="nginx:1.27.3")) == ["bitnami/nginx"]
    assert names(repository_search(user=None, query="nginx:latest"))[:2] == ["library/nginx", "bitnami/nginx"]


def test_several_words_all_match_as_prefixes(web_servers):
    assert names(repository_search(user=None, query="reverse prox")) == ["alice/nginx-proxy"]
    assert names(repository_search(user=None, query="apache http")) == ["apache/httpd-tools"]
    assert names(repository_search(user=None, query="in-memory database")) == ["library/redis"]


def test_publisher_name_matches_their_repositories(web_servers):
    assert names(repository_search(user=None, query="bitnami")) == ["bitnami/nginx"]


def test_empty_query_lists_everything_trusted_first(web_servers):
    result = repository_search(user=None, query="")
    assert result.total == 9
    assert names(result)[:4] == ["library/nginx", "library/redis", "bitnami/nginx", "apache/httpd-tools"]


def test_sort_orders(web_servers):
    assert names(repository_search(user=None, query="nginx", sort="pulls"))[:2] == [
        "dave/static",
        "bob/prometheus-nginx-exporter",
    ]
    Repository.objects.filter(name="mynginxfork").update(star_count=99)
    assert names(repository_search(user=None, query="nginx", sort="stars"))[0] == "carol/mynginxfork"
    Repository.objects.filter(name="webserver").update(last_pushed_at=None)
    assert names(repository_search(user=None, query="nginx", sort="updated"))[-1] == "carol/webserver"


def test_facet_counts_and_filters(web_servers):
    result = repository_search(user=None, query="")
    assert facet(result, "trusted") == {"official": 2, "verified": 1, "sponsored": 1}
    assert facet(result, "categories") == {"web-servers": 3, "databases-storage": 1, "developer-tools": 1}
    assert facet(result, "os") == {"linux": 8, "windows": 1}
    assert facet(result, "architectures") == {"amd64": 9, "arm64": 1, "arm": 1}

    official = repository_search(user=None, query="", filters=SearchFilters(trusted=("official",)))
    assert names(official) == ["library/nginx", "library/redis"]
    # Disjunctive: a group's own selection does not zero its other values ...
    assert facet(official, "trusted") == {"official": 2, "verified": 1, "sponsored": 1}
    # ... while the other groups count within the selection.
    assert facet(official, "categories") == {"web-servers": 1, "databases-storage": 1}
    assert facet(official, "architectures") == {"amd64": 2, "arm64": 1, "arm": 1}

    arm = repository_search(user=None, query="nginx", filters=SearchFilters(architectures=("arm64",)))
    assert names(arm) == ["library/nginx"]
    web = repository_search(user=None, query="", filters=SearchFilters(categories=("web-servers",), os=("windows",)))
    assert names(web) == ["apache/httpd-tools"]
    both = repository_search(user=None, query="", filters=SearchFilters(trusted=("official", "sponsored")))
    assert sorted(names(both)) == ["apache/httpd-tools", "library/nginx", "library/redis"]


def test_private_repositories_only_for_their_owner(web_servers):
    erin = user_create(username="erin", password="pw-erin-123456")
    catalogue.repository("erin/nginx-secret", private=True, categories=("security",))
    assert "erin/nginx-secret" not in names(repository_search(user=None, query="nginx"))
    assert "security" not in facet(repository_search(user=None, query=""), "categories")
    frank = user_create(username="frank", password="pw-frank-123456")
    assert "erin/nginx-secret" not in names(repository_search(user=frank, query="nginx"))
    mine = repository_search(user=erin, query="nginx")
    assert "erin/nginx-secret" in names(mine)
    assert facet(repository_search(user=erin, query=""), "categories")["security"] == 1


def test_text_index_follows_updates_and_deletes(web_servers):
    repo = Repository.objects.get(name="static")
    repo.short_description = "Serves kumquats"
    repo.save()
    assert names(repository_search(user=None, query="kumquat")) == ["dave/static"]
    repo.delete()
    assert names(repository_search(user=None, query="kumquat")) == []


def test_short_description_tier_follows_updates(web_servers):
    # On PostgreSQL the tier reads its own small vector (summary_vector), which must follow the row.
    catalogue.repository("erin/fruit", readme="All about kumquats", pulls=2 * 10**9)
    assert names(repository_search(user=None, query="kumquat")) == ["erin/fruit"]
    repo = Repository.objects.get(name="static")
    repo.short_description = "Serves kumquats"
    repo.save()
    assert names(repository_search(user=None, query="kumquat")) == ["dave/static", "erin/fruit"]


def test_pagination(web_servers):
    first = repository_search(user=None, query="nginx", offset=0, limit=3)
    second = repository_search(user=None, query="nginx", offset=3, limit=3)
    assert first.total == second.total == 7
    assert len(first.items) == 3 and len(second.items) == 3
    assert not set(names(first)) & set(names(second))


def test_no_match_is_empty_with_facets(web_servers):
    result = repository_search(user=None, query="zzzzqqq")
    assert result.total == 0 and result.items == []
    assert facet(result, "trusted") == {"official": 0, "verified": 0, "sponsored": 0}


def test_control_characters_in_a_query_or_filter_are_no_error(web_servers):
    """A NUL (which PostgreSQL refuses in any parameter) or another control character in a filter value matches
    nothing, as no platform or category holds one; in the query it is dropped."""
    assert names(repository_search(user=None, query="library\x00/ngi\x00nx"))[0] == "library/nginx"
    for filters in (
        SearchFilters(os=("li\x00nux",)),
        SearchFilters(architectures=("\x00",)),
        SearchFilters(categories=("web\x00-servers",)),
        SearchFilters(categories=("\ud800",)),
    ):
        result = repository_search(user=None, query="nginx", filters=filters)
        assert result.total == 0 and result.items == []


def test_past_the_count_cap_totals_and_facets_are_approximate(web_servers, settings):
    """Past HUB_SEARCH_COUNT_CAP matches the total is the cap, marked approximate, and the facets are
    counted over the matches read (cap + 1 of them); the ranking and the page do not change."""
    exact = repository_search(user=None, query="")
    assert exact.total == 9 and not exact.total_is_approximate and not exact.facets_are_approximate
    settings.HUB_SEARCH_COUNT_CAP = 5
    capped = repository_search(user=None, query="")
    assert capped.total == 5 and capped.total_is_approximate and capped.facets_are_approximate
    assert names(capped) == names(exact)
    for group in ("trusted", "categories", "os", "architectures"):
        for value, count in facet(capped, group).items():
            assert count <= facet(exact, group).get(value, 0)
    assert sum(facet(capped, "trusted").values()) + facet(exact, "trusted").get("", 0) <= 6
    assert repository_search(user=None, query="", sort="pulls", offset=5, limit=25).items == (
        exact_items := repository_search(user=None, query="", sort="pulls", offset=5, limit=25).items
    )
    assert len(exact_items) == 4  # pages go on past the cap


def test_under_the_count_cap_counts_are_exact(web_servers, settings):
    expected = [repository_search(user=None, query=q) for q in ("nginx", "redis")]
    settings.HUB_SEARCH_COUNT_CAP = max(exact.total for exact in expected)  # at the cap is still under it
    for q, exact in zip(("nginx", "redis"), expected, strict=True):
        result = repository_search(user=None, query=q)
        assert result.total == exact.total
        assert result.facets == exact.facets and names(result) == names(exact)
        assert not result.total_is_approximate and not result.facets_are_approximate


@pytest.mark.parametrize("sort", ["best", "pulls", "stars", "updated"])
def test_past_the_count_cap_pages_are_the_same(web_servers, settings, sort):
    """Past the cap a page is found another way (walking the order's index instead of sorting every match;
    on SQLite, testing names row by row instead of through the list of ids): same results, same order."""
    for query in ("nginx", "n", "e"):
        expected = [names(repository_search(user=None, query=query, sort=sort, offset=o, limit=3)) for o in (0, 3)]
        settings.HUB_SEARCH_COUNT_CAP = 2
        broad = [names(repository_search(user=None, query=query, sort=sort, offset=o, limit=3)) for o in (0, 3)]
        settings.HUB_SEARCH_COUNT_CAP = 1_000
        assert broad == expected, query
        assert expected[0]


def test_a_filter_under_the_cap_counts_exactly_within_a_broad_query(web_servers, settings):
    """The total of a filtered search is counted apart (up to cap + 1): exact when the filter leaves few."""
    exact = repository_search(user=None, query="", filters=SearchFilters(trusted=("official",)))
    settings.HUB_SEARCH_COUNT_CAP = 5
    result = repository_search(user=None, query="", filters=SearchFilters(trusted=("official",)))
    assert result.total == exact.total and not result.total_is_approximate
    assert result.facets_are_approximate  # the query itself matches more than the cap
    assert names(result) == names(exact)
    settings.HUB_SEARCH_COUNT_CAP = 1
    result = repository_search(user=None, query="", filters=SearchFilters(trusted=("official",)))
    assert result.total == 1 and result.total_is_approximate


def test_without_facets_only_the_total_is_counted(web_servers, settings):
    redis = repository_search(user=None, query="redis").total
    settings.HUB_SEARCH_COUNT_CAP = 5
    result = repository_search(user=None, query="", facets=False)
    assert result.total == 5 and result.total_is_approximate and result.facets == {}
    result = repository_search(user=None, query="redis", facets=False)
    assert result.total == redis <= 5 and not result.total_is_approximate


def test_facets_follow_category_and_platform_changes(web_servers):
    from images.models import Category

    redis = Repository.objects.get(namespace__name="library", name="redis")
    redis.categories.add(Category.objects.get(slug="web-servers"))
    assert facet(repository_search(user=None, query=""), "categories")["web-servers"] == 4
    Category.objects.get(slug="web-servers").repositories.clear()
    assert "web-servers" not in facet(repository_search(user=None, query=""), "categories")
    catalogue.image_tag(redis, "7-arm", platforms=("linux/riscv64",))
    repository_platforms_refresh(repository_id=redis.id)
    assert facet(repository_search(user=None, query=""), "architectures")["riscv64"] == 1
    riscv = repository_search(user=None, query="", filters=SearchFilters(architectures=("riscv64",)))
    assert names(riscv) == ["library/redis"]


def test_best_match_pages_cross_tiers(web_servers):
    everything = names(repository_search(user=None, query="nginx", limit=50))
    paged = []
    for offset in range(0, len(everything), 2):
        paged += names(repository_search(user=None, query="nginx", offset=offset, limit=2))
    assert paged == everything


def test_several_words_that_match_look_for_no_typos(web_servers):
    catalogue.repository("erin/web-sever", short="Spelt wrong")
    # `web server` matches by its words, so the name a typo away from `web-server` is not a typo match;
    # when the words match nothing, the typo tier still answers.
    assert "erin/web-sever" not in names(repository_search(user=None, query="web server"))
    result = repository_search(user=None, query="web sevrer")
    assert "erin/web-sever" in names(result)
    assert result.typo_matches


def test_filters_read_the_facet_columns_and_follow_changes(web_servers):
    only_arm = SearchFilters(architectures=("arm",))
    assert names(repository_search(user=None, query="nginx", filters=only_arm)) == ["library/nginx"]
    assert names(repository_search(user=None, filters=SearchFilters(os=("windows",)))) == ["apache/httpd-tools"]
    # A value is matched whole: `arm` is not `arm64`; values no platform can have match nothing.
    assert names(repository_search(user=None, filters=SearchFilters(architectures=("ar",)))) == []
    assert names(repository_search(user=None, filters=SearchFilters(os=("linux windows",)))) == []
    bitnami = Repository.objects.get(namespace__name="bitnami", name="nginx")
    catalogue.image_tag(bitnami, "arm", platforms=("linux/arm/v7",))
    repository_platforms_refresh(repository_id=bitnami.id)
    assert names(repository_search(user=None, query="nginx", filters=only_arm)) == ["library/nginx", "bitnami/nginx"]
    web = SearchFilters(categories=("web-servers", "databases-storage"))
    assert set(names(repository_search(user=None, filters=web))) == {
        "library/nginx",
        "carol/webserver",
        "apache/httpd-tools",
        "library/redis",
    }
