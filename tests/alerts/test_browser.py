"""Alerts in headless Chromium: save a search from the search page, get the alert mail for a new image, follow
its links to the tag and to the unsubscribe page; the alert pages pass axe-core and fit a 390 px screen."""

import re

import pytest
from django.core import mail

from images.alerts import alerts_compute
from images.models import SavedSearch
from tests.alerts.conftest import push_indexed
from tests.web.browser import Visit, browser  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def fits(page, width: int = 390) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_save_a_search_get_the_alert_follow_its_links(browser, live_server, alice, acme):  # noqa: F811
    push_indexed("acme", "webapp", "1.0")
    visit = Visit(browser, live_server.url)
    page = visit.page
    page.goto(live_server.url + "/login/?next=/search%3Fq%3Dwebapp%26os%3Dlinux")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/search?q=webapp&os=linux")
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url("**/settings/alerts")
    assert "Saved “webapp”" in page.inner_text("main")
    saved = SavedSearch.objects.get(user=alice)
    assert (saved.query, saved.filters) == ("webapp", {"os": ["linux"]})
    visit.check("alerts-settings")

    push_indexed("acme", "webapp", "2.0")
    alerts_compute()
    [told] = mail.outbox
    links = [link.replace("http://127.0.0.1:8000", live_server.url) for link in re.findall(r"http\S+", told.body)]
    [tag_link] = [link for link in links if link.endswith("/r/acme/webapp/tags/2.0")]
    page.goto(tag_link)
    assert "2.0" in page.inner_text("main")

    page.goto(live_server.url + "/settings/alerts")
    assert "New tag" in page.inner_text("main")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits(page)
    page.get_by_role("link", name="Edit").click()
    visit.check("alerts-edit")
    assert fits(page)

    [unsubscribe] = [link for link in links if "/alerts/unsubscribe/" in link]
    page.goto(unsubscribe)
    visit.check("alerts-unsubscribe")
    assert fits(page)
    page.get_by_role("button", name="Unsubscribe").click()
    assert "no more alerts" in page.inner_text("main")
    saved.refresh_from_db()
    assert not saved.active
    visit.close()
