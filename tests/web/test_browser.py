"""The catalogue in headless Chromium: a visitor's path through the pages, keyboard use, accessibility.

Served by pytest-django's live_server; every request must stay on loopback and no page may log a
console error. Screenshots of each page go to test-artifacts/catalogue/.
"""

from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails under HUB_REQUIRE_INTEGRATION=1) with the reason
    expect = None

from images.models import Manifest
from tests.web.browser import Visit

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_filters_and_reads_an_image(browser, live_server, catalogue_data):
    visit = Visit(browser, live_server.url)
    page = visit.page
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Official Images").is_visible()
    visit.check("home")

    page.get_by_role("searchbox", name="Search images").first.fill("nginx")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=nginx")
    results = page.locator(".result .repo-name a")
    assert results.all_inner_texts() == ["nginx", "bitnami/nginx", "alice/nginx-proxy"]
    visit.check("search")

    page.get_by_label("Official Image").check()
    page.wait_for_url("**trusted=official**")
    assert page.locator(".result .repo-name a").all_inner_texts() == ["nginx"]
    page.get_by_label("Official Image").uncheck()
    page.wait_for_function("() => !location.search.includes('trusted=')")
    page.get_by_label("ARM 64").check()
    page.wait_for_url("**arch=arm64**")
    assert page.locator(".result .repo-name a").all_inner_texts() == ["nginx"]
    visit.check("search-filtered")

    page.get_by_role("link", name="nginx", exact=True).click()
    page.wait_for_url("**/_/nginx")
    assert page.get_by_role("heading", name="Nginx", exact=True).is_visible()  # the README
    page.get_by_role("button", name="Copy pull command").click()
    expect(page.locator(".copy-command .copy-status").first).to_have_text("Copied")
    host = urlsplit(live_server.url).netloc
    assert page.evaluate("() => navigator.clipboard.readText()") == f"docker pull {host}/nginx:latest"
    visit.check("repository")

    page.get_by_role("link", name="Tags", exact=True).click()
    page.wait_for_url("**/_/nginx/tags")
    tag_names = page.locator(".tag-name > a").all_inner_texts()
    assert tag_names == ["1.27", "1.27.3", "latest", "stable"]
    assert page.get_by_text("linux/arm64/v8").first.is_visible()
    visit.check("tags")
    page.get_by_label("Filter tags").fill("lat")
    page.wait_for_url("**name=lat**")
    assert page.locator(".tag-name > a").all_inner_texts() == ["latest"]

    page.get_by_role("link", name="latest", exact=True).click()
    page.wait_for_url(f"**/images/{catalogue_data['image'].digest}")
    layers = page.locator(".layer-command").all_inner_texts()
    assert len(layers) == 4 and "apt-get install --no-install-recommends -y nginx" in layers[2]
    assert page.locator(".layer-bar span").count() == 3
    table = page.locator("#vuln-results table")
    assert table.get_by_text("CVE-2024-2511").is_visible()
    visit.check("image")
    page.get_by_label("Fixable only").check()
    page.wait_for_url("**fixable=1**")
    assert page.locator("#vuln-results table").get_by_text("CVE-2024-5535").is_visible()
    assert page.locator("#vuln-results table").get_by_text("CVE-2024-2511").count() == 0
    page.get_by_label("Filter packages").fill("open")
    page.wait_for_url("**package=open**")
    assert page.locator("#package-results tbody th").all_inner_texts() == ["openssl"]
    assert "fixable=1" in page.url  # both filters live in the URL
    visit.check("image-filtered")
    visit.close()


def test_keyboard_only_search_and_star(browser, live_server, catalogue_data):
    visit = Visit(browser, live_server.url)
    page = visit.page
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "home-q"
    page.keyboard.type("redis")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=redis")
    # Tab to the first result's link and open it with the keyboard.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.result') !== null"):
            break
    assert page.evaluate("() => document.activeElement.textContent") == "redis"
    page.keyboard.press("Enter")
    page.wait_for_url("**/_/redis")

    # Sign in with the keyboard and star with Enter: an htmx POST carrying the CSRF token.
    page.goto(live_server.url + "/login/?next=/_/nginx")
    visit.check("login")
    page.keyboard.type("dana")
    page.keyboard.press("Tab")
    page.keyboard.type("pw-dana-123456")
    page.keyboard.press("Enter")
    page.wait_for_url("**/_/nginx")
    star = page.get_by_role("button", name="Star")
    star.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Starred").wait_for()
    assert page.locator(".star-count").inner_text() == "43 stars"
    catalogue_data["nginx"].refresh_from_db()
    assert catalogue_data["nginx"].star_count == 43
    visit.check("repository-signed-in")
    visit.close()


def test_publisher_and_indexing_pages(browser, live_server, catalogue_data):
    visit = Visit(browser, live_server.url)
    page = visit.page
    page.goto(live_server.url + "/u/bitnami")
    assert page.get_by_text("Verified Publisher").first.is_visible()
    visit.check("publisher")

    image = catalogue_data["image"]
    Manifest.objects.filter(pk=image.pk).update(index_status="indexing", index_progress=30)
    page.goto(live_server.url + f"/_/nginx/tags/latest/images/{image.digest}")
    assert page.get_by_text("Indexing this image").is_visible()
    visit.check("image-indexing")
    Manifest.objects.filter(pk=image.pk).update(index_status="indexed", index_progress=100)
    # The status fragment polls and reloads the page once indexing is over.
    page.get_by_text("Indexing this image").wait_for(state="detached", timeout=15_000)
    assert page.locator(".layer-command").count() == 4
    visit.close()


def test_a_finding_opens_hubs_advisory_page_readable_at_390px(browser, live_server, catalogue_data):
    from images.models import Vulnerability

    Vulnerability.objects.filter(osv_id="CVE-2024-5535").update(
        aliases=["GHSA-4mvw-gq3m-7c4x"],
        summary="SSL_select_next_proto buffer overread",
        details="Calling the OpenSSL API function `SSL_select_next_proto` with an empty supported client "
        "protocols buffer may cause a crash or memory contents to be sent to the peer.",
        severity_source="Debian database_specific",
        data={
            "id": "CVE-2024-5535",
            "affected": [
                {
                    "package": {"ecosystem": "Debian:12", "name": "openssl"},
                    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.14-1~deb12u1"}]}],
                }
            ],
            "references": [{"type": "ADVISORY", "url": "https://www.openssl.org/news/secadv/20240627.txt"}],
        },
    )
    visit = Visit(browser, live_server.url)
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + f"/_/nginx/tags/latest/images/{catalogue_data['image'].digest}#vulnerabilities")
    assert page.get_by_text("GHSA-4mvw-gq3m-7c4x").is_visible()
    page.get_by_role("link", name="CVE-2024-5535").click()
    expect(page.get_by_role("heading", level=1, name="CVE-2024-5535")).to_be_visible()
    assert page.get_by_text("from Debian database_specific").is_visible()
    assert page.get_by_role("link", name="nginx").first.is_visible()
    # Nothing wider than the phone: the page does not scroll sideways.
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 391 && !e.children.length)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, wide
    visit.check("advisory-390")
    page.goto(live_server.url + "/advisories/CVE-1999-0000")
    expect(page.get_by_role("heading", level=1)).to_have_text("No advisory CVE-1999-0000 here")
    visit.check("advisory-missing")
    # Chromium reports the page's own 404 status as a console error: that one is expected.
    assert visit.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    visit.errors.clear()
    visit.close()
