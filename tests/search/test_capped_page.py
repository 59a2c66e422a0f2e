"""The search page past the count cap: "N+ results" and approximate facet counts."""

import pytest

from tests.search import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def many_nginx():
    catalogue.namespace("bitnami", verified=True)
    catalogue.repository("library/nginx", pulls=1_000, platforms=("linux/amd64",))
    for i in range(7):
        catalogue.repository(f"bitnami/nginx-{i}", pulls=i, platforms=("linux/arm64/v8",))


def test_page_past_the_cap_says_so(client, many_nginx, settings):
    settings.HUB_SEARCH_COUNT_CAP = 5
    html = client.get("/search", {"q": "nginx"}).content.decode()
    assert "5+ results for" in html
    assert "≈" in html
    assert html.index('href="/_/nginx"') < html.index("bitnami/nginx-6")  # ranking unchanged


def test_page_under_the_cap_is_exact(client, many_nginx, settings):
    settings.HUB_SEARCH_COUNT_CAP = 8
    html = client.get("/search", {"q": "nginx"}).content.decode()
    assert "8 results for" in html and "+ results" not in html and "≈" not in html
