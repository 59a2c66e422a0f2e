"""The catalogue pages over HTTP (Django test client): content, state in the URL, permissions, queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.accounts.services import user_create
from images.models import Manifest, Repository, Star
from tests.search import catalogue

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def hub():
    catalogue.namespace("bitnami", verified=True)
    catalogue.namespace("apache", sponsored=True)
    nginx = catalogue.repository(
        "library/nginx",
        short="Official build of Nginx.",
        readme="# Nginx\n\nA **web server**.\n\n<script>alert('x')</script>\n\n[site](javascript:alert(1))",
        pulls=1_000_000,
        stars=10,
        categories=("web-servers",),
        platforms=("linux/amd64", "linux/arm64/v8"),
        tags=("1.9", "1.10", "latest", "1.2"),
    )
    catalogue.repository("bitnami/redis", short="Bitnami Redis", trusted="verified", pulls=500)
    catalogue.repository("apache/httpd", short="The Apache HTTP Server", trusted="sponsored", pulls=300)
    catalogue.repository("alice/nginx-proxy", short="Reverse proxy", pulls=20)
    return nginx


def page(client, url, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_home_has_search_trusted_sections_categories_recent_and_popular(client, hub):
    html = page(client, "/")
    assert 'role="search"' in html and 'name="q"' in html
    for heading in (
        "Official Images",
        "Verified Publishers",
        "Sponsored OSS",
        "Categories",
        "Recently updated",
        "Most pulled",
    ):
        assert heading in html
    assert 'href="/_/nginx"' in html and 'href="/r/bitnami/redis"' in html
    assert 'href="/search?category=web-servers"' in html


def test_search_page_results_facets_sort_and_state_in_url(client, hub):
    html = page(client, "/search", data={"q": "nginx", "trusted": "official", "sort": "pulls"})
    assert "1 result for" in html
    assert 'href="/_/nginx"' in html and "alice/nginx-proxy" not in html
    assert re.search(r'id="f-trusted-official" name="trusted" value="official" checked', html)
    assert '<option value="pulls" selected>' in html
    assert "ARM 64" in html and "x86-64" in html  # platforms of the result, and the architecture facet
    assert "Web Servers" in html


def test_search_pagination_keeps_the_query(client, hub):
    for i in range(30):
        catalogue.repository(f"bulk/nginx-{i:02d}", pulls=i, platforms=("linux/amd64",))
    html = page(client, "/search", data={"q": "nginx", "arch": "amd64"})
    assert "32 results" in html
    assert 'href="?q=nginx&amp;arch=amd64&amp;page=2"' in html
    second = page(client, "/search?q=nginx&arch=amd64&page=2")
    assert 'aria-current="page" href="?q=nginx&amp;arch=amd64&amp;page=2"' in second


def test_empty_search_suggests_what_to_try(client, hub):
    html = page(client, "/search", data={"q": "qqqzzz", "trusted": "verified"})
    assert "No images match" in html
    assert 'href="/search?q=qqqzzz"' in html  # without filters
    assert 'href="/search?trusted=official"' in html


def test_search_page_queries_do_not_grow_with_results(client, hub):
    with CaptureQueriesContext(connection) as few:
        page(client, "/search")
    for i in range(15):
        catalogue.repository(f"more/repo-{i}", categories=("web-servers",), platforms=("linux/amd64", "linux/arm64"))
    with CaptureQueriesContext(connection) as many:
        page(client, "/search")
    assert len(many) == len(few)


def test_repository_page(client, hub):
    html = page(client, "/_/nginx")
    assert "<strong>web server</strong>" in html
    assert "<script>alert" not in html and "javascript:alert" not in html
    # The pull builder's default: the `latest` tag, by the official image's one-part name (README, Registry).
    assert 'data-copy="docker pull testserver/nginx:latest"' in html
    assert "Official Image" in html and "Web Servers" in html and "linux/arm64/v8" in html
    assert "1,000,000" in html
    assert page(client, "/r/library/nginx").count("Official build of Nginx.") >= 1


def test_private_repository_is_not_found_for_others(client, hub):
    owner = user_create(username="erin", password="pw-erin-123456")
    catalogue.repository("erin/secret", private=True)
    assert client.get("/r/erin/secret").status_code == 404
    assert client.get("/r/erin/secret/tags").status_code == 404
    client.force_login(owner)
    assert "Private" in page(client, "/r/erin/secret")


def test_star_needs_sign_in_and_csrf(hub):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/_/nginx/star")
    assert response.status_code == 403  # no CSRF token
    bob = user_create(username="bob", password="pw-bob-123456")
    client.force_login(bob)
    html = page(client, "/_/nginx")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post("/_/nginx/star", {"action": "star"}).status_code == 403
    response = client.post("/_/nginx/star", {"action": "star", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/_/nginx"
    assert Repository.objects.get(pk=hub.pk).star_count == 11
    assert Star.objects.filter(user=bob, repository=hub).exists()
    # Starring twice counts once; htmx gets the button back.
    response = client.post(
        "/_/nginx/star", {"action": "star", "csrfmiddlewaretoken": token}, headers={"HX-Request": "true"}
    )
    assert "Starred" in response.content.decode() and "11 stars" in response.content.decode()
    client.post("/_/nginx/star", {"action": "unstar", "csrfmiddlewaretoken": token})
    assert Repository.objects.get(pk=hub.pk).star_count == 10


def test_anonymous_star_goes_to_sign_in(client, hub):
    response = client.post("/_/nginx/star")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_tags_natural_order_filter_and_platforms(client, hub):
    html = page(client, "/_/nginx/tags")
    order = [t for t in re.findall(r'class="tag-name">\s*<a href="/_/nginx/tags/([^"]+)"', html)]
    assert order == ["1.2", "1.9", "1.10", "latest"]
    assert "linux/amd64" in html and "linux/arm64/v8" in html and "Indexed" in html
    assert re.search(r"sha256:[0-9a-f]{12}</a>", html)
    filtered = page(client, "/_/nginx/tags?name=1.1")
    assert re.findall(r'class="tag-name">\s*<a href="/_/nginx/tags/([^"]+)"', filtered) == ["1.10"]
    highest = page(client, "/_/nginx/tags?sort=-version")
    assert re.findall(r'class="tag-name">\s*<a href="/_/nginx/tags/([^"]+)"', highest)[:2] == ["latest", "1.10"]


def test_thousands_of_tags_paginate_with_constant_queries(client, hub):
    repo = catalogue.repository("bulk/many", tags=("0.1",))
    with CaptureQueriesContext(connection) as few:
        page(client, "/r/bulk/many/tags")
    for i in range(120):
        catalogue.image_tag(repo, f"1.{i}", platforms=("linux/amd64", "linux/arm64"))
    with CaptureQueriesContext(connection) as many:
        html = page(client, "/r/bulk/many/tags?page=3")
    assert len(many) == len(few)
    assert re.findall(r'class="tag-name">\s*<a href="/r/bulk/many/tags/([^"]+)"', html) == [
        f"1.{i}" for i in range(99, 120)
    ]
    assert "Tags 101–121 of 121" in html


def test_tag_opens_the_amd64_image(client, hub):
    response = client.get("/_/nginx/tags/latest")
    assert response.status_code == 302
    amd64 = Manifest.objects.get(repository=hub, tags__name="latest").child_links.get(architecture="amd64").child
    assert response["Location"] == f"/_/nginx/tags/latest/images/{amd64.digest}"
    assert client.get("/_/nginx/tags/nope").status_code == 404


@pytest.fixture
def image(hub):
    manifest = Manifest.objects.get(repository=hub, tags__name="latest").child_links.get(architecture="amd64").child
    catalogue.image_contents(
        manifest,
        layers=[
            ("/bin/sh -c #(nop) ADD file:abc in /", 29_000_000),
            ("/bin/sh -c #(nop)  ENV NGINX_VERSION=1.27.3", 0),
            ("RUN /bin/sh -c apt-get install -y nginx # buildkit", 60_000_000),
        ],
        packages=[("libc6", "2.36-9", 0), ("openssl", "3.0.11-1", 2), ("nginx", "1.27.3-1", 2)],
        findings=[
            ("CVE-2024-0001", "openssl", "critical", "3.0.15-1"),
            ("CVE-2024-0002", "openssl", "high", ""),
            ("CVE-2024-0003", "libc6", "low", "2.36-10"),
        ],
    )
    return manifest


def test_image_page_layers_packages_vulnerabilities(client, hub, image):
    url = f"/_/nginx/tags/latest/images/{image.digest}"
    html = page(client, url)
    assert "apt-get install -y nginx" in html and "ENV NGINX_VERSION=1.27.3" in html
    assert "57.2\xa0MB" in html and 'style="width: 100.0%"' in html and 'style="width: 48.3%"' in html
    assert "Debian GNU/Linux 12 (bookworm)" in html
    assert f'href="/_/nginx/sbom/{image.digest}.cdx.json"' in html
    assert f'href="/_/nginx/sbom/{image.digest}.spdx.json"' in html
    assert 'href="#layer-2"' in html  # openssl came with layer 2
    assert "1 critical, 1 high, 0 medium, 1 low, 0 unknown" in html
    assert 'href="/advisories/CVE-2024-0001"' in html  # Hub's own advisory page, not an outside site
    assert '<span class="muted fix-unfixed">No fix yet</span>' in html  # CVE-2024-0002 has no fix
    fixable = page(client, url, data={"fixable": "1"})
    assert "CVE-2024-0001" in fixable and "CVE-2024-0003" in fixable and "CVE-2024-0002" not in fixable
    only_ssl = page(client, url, data={"package": "ssl"})
    assert '<th scope="row">openssl</th>' in only_ssl and '<th scope="row">libc6</th>' not in only_ssl
    arm = Manifest.objects.get(repository=hub, tags__name="latest").child_links.get(architecture="arm64").child
    assert "linux/arm64/v8" in page(client, f"/_/nginx/tags/latest/images/{arm.digest}")


def test_image_of_another_tag_is_not_found(client, hub, image):
    assert client.get(f"/_/nginx/tags/1.9/images/{image.digest}").status_code == 404


def test_indexing_progress_polls_and_reloads_when_done(client, hub, image):
    Manifest.objects.filter(pk=image.pk).update(index_status="indexing", index_progress=40)
    url = f"/_/nginx/tags/latest/images/{image.digest}"
    html = page(client, url)
    assert 'hx-get="' + url + '/status"' in html and 'hx-trigger="every 2s"' in html and 'value="40"' in html
    assert 'value="40"' in page(client, url + "/status", headers={"HX-Request": "true"})
    Manifest.objects.filter(pk=image.pk).update(index_status="indexed", index_progress=100)
    response = client.get(url + "/status", headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_image_page_queries_do_not_grow_with_rows(client, hub, image):
    url = f"/_/nginx/tags/latest/images/{image.digest}"
    with CaptureQueriesContext(connection) as few:
        page(client, url)
    from images.models import Finding, Package, Vulnerability

    layer = image.layers.last()
    for i in range(40):
        package = Package.objects.create(manifest=image, layer=layer, type="deb", name=f"lib{i}", version="1", purl="p")
        vulnerability = Vulnerability.objects.create(osv_id=f"CVE-2025-{i:04d}", severity="medium")
        Finding.objects.create(manifest=image, package=package, vulnerability=vulnerability, severity="medium")
    with CaptureQueriesContext(connection) as many:
        page(client, url)
    assert len(many) == len(few)


def test_publisher_page(client, hub):
    html = page(client, "/u/bitnami")
    assert "Verified Publisher" in html and 'href="/r/bitnami/redis"' in html
    assert client.get("/u/nobody").status_code == 404


def test_sign_in_and_out(client, hub):
    user_create(username="carol", password="pw-carol-123456")
    html = page(client, "/login/")
    assert 'for="id_username"' in html and 'for="id_password"' in html
    response = client.post("/login/", {"username": "carol", "password": "pw-carol-123456", "next": "/_/nginx"})
    assert response.status_code == 302 and response["Location"] == "/_/nginx"
    html = page(client, "/_/nginx")
    assert "Sign out" in html and 'href="/u/carol"' in html
    assert client.post("/logout/").status_code == 302
    assert "Sign in" in page(client, "/")
