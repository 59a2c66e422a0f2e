"""The compare page, the image page's sharing part and the console's storage use in headless Chromium:
axe-core clean, and the compare and storage pages fit 390 px (tables scroll in their own box)."""

import pytest

from hub.accounts.services import user_create
from images.models import Namespace
from images.services.organizations import organization_create
from images.services.vulns import vulnerability_import
from tests.compare.images import ADVISORIES, release_1, release_2
from tests.search.indexed import push_and_index
from tests.web.browser import Visit, browser  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def fits(page, width: int) -> None:
    wide = page.evaluate(
        f"() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > {width + 1}"
        " && !e.closest('.table-wrap') && !e.children.length).map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, wide


def test_compare_sharing_and_storage_pages_in_chromium(browser, live_server, tmp_path):  # noqa: F811
    for name, text in ADVISORIES.items():
        (tmp_path / name).write_text(text)
    vulnerability_import(source=str(tmp_path))
    olga = user_create(username="olga", password="pw-olga-123456")
    organization_create(owner=olga, name="acme", display_name="Acme")
    assert Namespace.objects.get(name="acme").kind == Namespace.Kind.ORGANIZATION
    one, two = release_1(), release_2()
    push_and_index("acme", "app", "1.0", one)
    push_and_index("acme", "app", "2.0", two)
    push_and_index("acme", "worker", "1.0", two)

    visit = Visit(browser, live_server.url)
    page = visit.page
    page.goto(live_server.url + "/r/acme/app/tags")
    page.get_by_role("link", name="Compare 2.0 with the previous tag, 1.0").click()
    page.wait_for_url("**/r/acme/app/compare/1.0...2.0")
    assert page.get_by_role("heading", name="Compare images").is_visible()
    assert page.get_by_role("cell", name="zlib1g").count() + page.get_by_role("rowheader", name="zlib1g").count() == 1
    visit.check("compare-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    fits(page, 390)
    visit.check("compare-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/r/acme/app/tags/2.0/images/{two.digest}#sharing")
    assert page.locator(".download-cost").inner_text().startswith("Pulling this image when you already have")
    page.get_by_label("Already have").fill("acme/worker:1.0")
    page.get_by_role("button", name="Work out").click()
    page.wait_for_url("**have=acme%2Fworker%3A1.0*")
    assert "(0 of 4 blobs)" in page.locator(".download-cost").inner_text()
    visit.check("image-sharing-1280")

    page.goto(live_server.url + "/login/?next=/console/storage/acme")
    page.fill("input[name=username]", "olga")
    page.fill("input[name=password]", "pw-olga-123456")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.url.endswith("/console/storage/acme")
    assert page.locator(".storage-bar[role=img]").count() == 2
    visit.check("storage-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    fits(page, 390)
    visit.check("storage-390")
    visit.close()
