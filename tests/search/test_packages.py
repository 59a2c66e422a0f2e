"""Package and advisory search over real indexed images (tests/search/indexed.py): the service, the search
page and its Packages tab, the Hub API and /v1/search; private repositories never show."""

import html
import re

import pytest

from hub.accounts.services import user_create
from images.search.facets import SearchFilters
from images.search.service import repository_search
from images.search.terms import QueryInvalid
from tests.search import indexed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

OPENSSL_OLD = "3.0.11-1~deb12u2"


@pytest.fixture
def zed(db):
    return user_create(username="zed", password="zed-password-123")


@pytest.fixture
def images(tmp_path, zed):
    return indexed.build(tmp_path, zed=zed)


def names(result) -> list[str]:
    return [r.full_name for r in result.items]


def matched(result) -> dict[str, set[tuple]]:
    return {r.full_name: {(m.tag, m.name, m.version, m.advisory) for m in r.content_matches} for r in result.items}


QUERIES = [  # (query, the repositories it finds)
    ("pkg:openssl", {"acme/webapp", "acme/edge", "acme/nginx"}),
    ("pkg:OpenSSL", {"acme/webapp", "acme/edge", "acme/nginx"}),
    ("pkg:openssl<3.0.14", {"acme/webapp", "acme/nginx"}),
    ("pkg:openssl>=3,<3.0.14", {"acme/webapp"}),
    ("pkg:openssl>=3", {"acme/webapp", "acme/edge"}),
    (f"pkg:openssl={OPENSSL_OLD}", {"acme/webapp"}),
    ("pkg:openssl!=3.1.4-r5", {"acme/webapp", "acme/nginx"}),
    ("pkg:deb/openssl", {"acme/webapp", "acme/nginx"}),
    ("pkg:apk/openssl", {"acme/edge"}),  # through the index: its children hold the packages
    ("pkg:apk/openssl<3.1.4-r6", {"acme/edge"}),
    ("pkg:busybox", {"acme/edge"}),  # in the arm64 image only
    ("pkg:pypi/jinja2@2.10", {"acme/webapp"}),
    ("pkg:pkg:pypi/jinja2@2.10", {"acme/webapp"}),
    ("pkg:jinja2=2.10.0", {"acme/webapp"}),  # PEP 440: 2.10.0 is 2.10
    ("pkg:pypi/jinja2>=2.11", {"acme/webapp"}),
    ("pkg:npm/jinja2", set()),
    ("pkg:urllib3<1.26.5", {"acme/webapp"}),
    ("pkg:openssl pkg:urllib3", {"acme/webapp"}),
    ("pkg:nginx pkg:urllib3", set()),  # every term must hold
    ("cve:CVE-2019-10906", {"acme/webapp"}),  # an alias of PYSEC-2019-217
    ("ghsa:GHSA-462W-V97R-4M45", {"acme/webapp"}),
    ("osv:PYSEC-2019-217", {"acme/webapp"}),
    ("cve:CVE-2000-0001", set()),
    ("severity:critical", {"acme/webapp"}),
    ("severity:low", {"acme/webapp"}),  # critical is worse than low
    ("fixable:yes", {"acme/webapp"}),
    ("fixable:no", set()),
    ("severity:critical fixable:yes cve:CVE-2019-10906", {"acme/webapp"}),
    ("nginx pkg:openssl<3", {"acme/nginx"}),  # with words
    ("webapp pkg:openssl<3", set()),
    ("webapp:1.0 pkg:openssl", {"acme/webapp"}),  # with name:tag
    ("acme/ pkg:openssl>=3", {"acme/webapp", "acme/edge"}),
    ("pkg:nothing-here", set()),
]


def test_each_query_form(images):
    """One catalogue for the whole table (indexing it is what takes time)."""
    wrong = []
    for query, expected in QUERIES:
        result = repository_search(user=None, query=query)
        if set(names(result)) != expected or result.total != len(expected):
            wrong.append(f"{query}: {names(result)} ({result.total}), expected {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def test_past_the_count_cap_the_same_results(images, settings):
    """Past the count cap a page tests each row of its order as it goes (packages.repository_probe_q) instead of
    gathering every match: the same results in the same order, with the same matches."""
    broad = [query for query, expected in QUERIES if len(expected) > 1]
    expected = {query: (names(r := repository_search(user=None, query=query)), matched(r)) for query in broad}
    settings.HUB_SEARCH_COUNT_CAP = 1
    for query in broad:
        result = repository_search(user=None, query=query)
        assert result.total_is_approximate, query
        assert (names(result), matched(result)) == expected[query], query
    arm = SearchFilters(architectures=("amd64",))
    capped = repository_search(user=None, query="pkg:openssl", filters=arm, sort="pulls", limit=1, offset=1)
    settings.HUB_SEARCH_COUNT_CAP = 1_000
    assert names(capped) == names(
        repository_search(user=None, query="pkg:openssl", filters=arm, sort="pulls", limit=1, offset=1)
    )


def test_each_result_says_which_tag_and_version_matched(images):
    result = repository_search(user=None, query="pkg:openssl<3.0.14")
    assert matched(result) == {
        "acme/webapp": {("1.0", "openssl", OPENSSL_OLD, "")},  # not 2.0: its openssl is newer
        "acme/nginx": {("latest", "openssl", "1.1.1w-0+deb11u1", "")},
    }
    cve = repository_search(user=None, query="cve:CVE-2019-10906")
    (match,) = cve.items[0].content_matches
    assert (match.tag, match.name, match.version, match.advisory, match.severity, match.fixed_version) == (
        "1.0",
        "Jinja2",
        "2.10",
        "PYSEC-2019-217",
        "critical",
        "2.10.1",
    )
    edge = repository_search(user=None, query="pkg:apk/openssl").items[0]
    assert {m.digest for m in edge.content_matches} == set(
        images["acme/edge"].manifests.filter(is_index=False).values_list("digest", flat=True)
    )


def test_combined_with_facets_and_sorts(images):
    arm = repository_search(user=None, query="pkg:openssl", filters=SearchFilters(architectures=("arm64",)))
    assert names(arm) == ["acme/edge"]
    arch = {f.value: f.count for f in repository_search(user=None, query="pkg:openssl").facets["architectures"]}
    assert arch == {"amd64": 3, "arm64": 1}
    updated = repository_search(user=None, query="pkg:openssl", sort="updated")
    assert set(names(updated)) == {"acme/webapp", "acme/edge", "acme/nginx"}
    first = repository_search(user=None, query="pkg:openssl", sort="pulls", limit=2)
    rest = repository_search(user=None, query="pkg:openssl", sort="pulls", offset=2, limit=2)
    assert len(names(first)) == 2 and len(names(rest)) == 1 and not set(names(first)) & set(names(rest))


def test_package_versions_newest_first_with_how_many_hold_each(images):
    result = repository_search(user=None, query="pkg:openssl", package_versions=True)
    rows = [(v.type, v.version, v.repositories, v.query) for v in result.package_versions]
    assert rows == [
        ("apk", "3.1.4-r5", 1, "pkg:apk/openssl@3.1.4-r5"),
        ("deb", "3.0.15-1~deb12u1", 1, "pkg:deb/openssl@3.0.15-1~deb12u1"),
        ("deb", OPENSSL_OLD, 1, f"pkg:deb/openssl@{OPENSSL_OLD}"),
        ("deb", "1.1.1w-0+deb11u1", 1, "pkg:deb/openssl@1.1.1w-0+deb11u1"),
    ]  # zed/secret's 1.1.1n is not there: private
    jinja = repository_search(user=None, query="pkg:jinja2", package_versions=True).package_versions
    assert [(v.version, v.repositories) for v in jinja] == [("2.11.3", 1), ("2.10", 1)]
    # The versions are those of the whole query's results: words and filters apply.
    nginx = repository_search(user=None, query="nginx pkg:openssl", package_versions=True).package_versions
    assert [v.version for v in nginx] == ["1.1.1w-0+deb11u1"]
    again = repository_search(user=None, query=rows[2][3])
    assert names(again) == ["acme/webapp"]


def test_private_repositories_only_for_those_who_may_see_them(images, zed):
    bob = user_create(username="bob", password="bob-password-123")
    for query in ("pkg:openssl<1.1.1o", "pkg:pypi/jinja2@2.10", "cve:CVE-2019-10906", "severity:critical"):
        assert "zed/secret" not in names(repository_search(user=None, query=query)), query
        assert "zed/secret" not in names(repository_search(user=bob, query=query)), query
        assert "zed/secret" in names(repository_search(user=zed, query=query)), query
    versions = repository_search(user=zed, query="pkg:openssl<1.1.1o", package_versions=True).package_versions
    assert [v.version for v in versions] == ["1.1.1n-0+deb11u5"]
    assert repository_search(user=bob, query="pkg:openssl<1.1.1o", package_versions=True).package_versions == []


def test_bad_terms_raise_a_readable_error(images):
    with pytest.raises(QueryInvalid, match="severity is one of"):
        repository_search(user=None, query="severity:urgent")


# --- the search page


def result_links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'class="repo-name"><a href="([^"]+)"', page)]


def test_search_page_shows_what_matched_and_links_to_the_filtered_image(client, images):
    page = client.get("/search", {"q": "pkg:openssl<3.0.14"}).content.decode()
    assert set(result_links(page)) == {"/r/acme/webapp", "/r/acme/nginx"}
    assert f"openssl {OPENSSL_OLD}" in html.unescape(page)
    link = html.unescape(re.search(r'<a href="(/r/acme/webapp/tags/1\.0/images/[^"]+)">', page).group(1))
    assert link.endswith("?package=openssl&type=deb#packages")
    image = client.get(link.split("#")[0])
    assert image.status_code == 200
    table = image.content.decode().split('id="packages"')[1].split("</section>")[0]
    assert "openssl" in table and "urllib3" not in table and "libssl3" not in table


def test_search_page_cve_links_to_the_finding(client, images):
    page = html.unescape(client.get("/search", {"q": "cve:CVE-2019-10906"}).content.decode())
    assert result_links(page) == ["/r/acme/webapp"]
    assert "PYSEC-2019-217</span> in Jinja2 2.10, fixed in 2.10.1" in page
    link = re.search(r'<a href="(/r/acme/webapp/tags/1\.0/images/[^"]+\?vuln=PYSEC-2019-217)#vulnerabilities">', page)
    image = client.get(link.group(1)).content.decode()
    assert "Showing the findings of PYSEC-2019-217 only" in image and "2.10.1" in image


def test_search_page_lists_what_the_service_finds(client, images):
    for query, found in QUERIES:
        page = client.get("/search", {"q": query}).content.decode()
        expected = [f"/r/{name}" for name in names(repository_search(user=None, query=query))]
        assert result_links(page) == expected and len(expected) == len(found), query


def test_packages_tab(client, images):
    page = html.unescape(client.get("/search", {"q": "pkg:openssl", "tab": "packages"}).content.decode())
    assert 'aria-current="page">Packages</a>' in page
    rows = re.findall(r'<td><a href="/search\?q=([^"]+)">([^<]+)</a></td>\s*<td>(\d+)</td>', page)
    assert [(version, count) for _, version, count in rows] == [
        ("3.1.4-r5", "1"),
        ("3.0.15-1~deb12u1", "1"),
        (OPENSSL_OLD, "1"),
        ("1.1.1w-0+deb11u1", "1"),
    ]
    exact = client.get(f"/search?q={rows[2][0]}").content.decode()
    assert result_links(exact) == ["/r/acme/webapp"]
    repositories = client.get("/search", {"q": "pkg:openssl"}).content.decode()
    assert 'aria-current="page">Repositories</a>' in repositories
    assert "Packages</a>" not in client.get("/search", {"q": "cve:CVE-2019-10906"}).content.decode()


def test_search_page_explains_a_bad_term(client, images):
    for query, message in [
        ("pkg:openssl<", "a version is missing after &lt;"),
        ("severity:urgent", "a severity is one of"),
        ("cve:nope", "not an advisory id"),
    ]:
        response = client.get("/search", {"q": query})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'role="alert"' in page and message in page and not result_links(page), query


# --- the Hub API and /v1/search


def test_catalog_api_filters_and_says_what_matched(client, images):
    body = client.get("/v2/search/catalog/", {"query": "pkg:openssl<3.0.14"}).json()
    assert body["total"] == 2
    by_name = {r["id"]: r["matches"] for r in body["results"]}
    assert set(by_name) == {"acme/webapp", "acme/nginx"}
    (match,) = by_name["acme/webapp"]
    assert {k: match[k] for k in ("tag", "type", "name", "version", "advisory")} == {
        "tag": "1.0",
        "type": "deb",
        "name": "openssl",
        "version": OPENSSL_OLD,
        "advisory": "",
    }
    assert match["url"].startswith("/r/acme/webapp/tags/1.0/images/sha256:")
    assert client.get(match["url"].split("#")[0]).status_code == 200
    cve = client.get("/v2/search/catalog/", {"query": "cve:CVE-2019-10906"}).json()["results"]
    assert [(r["id"], r["matches"][0]["advisory"], r["matches"][0]["severity"]) for r in cve] == [
        ("acme/webapp", "PYSEC-2019-217", "critical")
    ]
    plain = client.get("/v2/search/catalog/", {"query": "webapp"}).json()["results"]
    assert plain[0]["matches"] == []


@pytest.mark.parametrize("path, param", [("/v2/search/catalog/", "query"), ("/v2/search/repositories/", "query"),
                                         ("/v1/search", "q")])  # fmt: skip
def test_api_bad_term_is_400(client, db, path, param):
    response = client.get(path, {param: "pkg:openssl>=3,<"})
    assert response.status_code == 400
    assert "a version is missing after <" in response.json()["detail"]


def test_classic_and_v1_search_filtered_in_their_own_shape(client, images):
    classic = client.get("/v2/search/repositories/", {"query": "pkg:pypi/jinja2@2.10"}).json()
    assert [r["repo_name"] for r in classic["results"]] == ["acme/webapp"] and classic["count"] == 1
    v1 = client.get("/v1/search", {"q": "pkg:openssl>=3"}).json()
    assert {r["name"] for r in v1["results"]} == {"acme/webapp", "acme/edge"}
    assert v1["num_results"] == 2 and v1["query"] == "pkg:openssl>=3"
    assert set(v1["results"][0]) == {"name", "description", "star_count", "is_official", "is_automated", "is_trusted"}


def test_api_private_repository_only_for_its_owner(client, images, zed):
    query = {"query": "pkg:openssl<1.1.1o"}
    assert client.get("/v2/search/catalog/", query).json()["results"] == []
    assert client.get("/v1/search", {"q": "cve:CVE-2019-10906"}).json()["num_results"] == 1
    client.force_login(zed)
    assert [r["id"] for r in client.get("/v2/search/catalog/", query).json()["results"]] == ["zed/secret"]
    assert {r["name"] for r in client.get("/v1/search", {"q": "cve:CVE-2019-10906"}).json()["results"]} == {
        "acme/webapp",
        "zed/secret",
    }
