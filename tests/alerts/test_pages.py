"""The alert pages: "Save this search", /settings/alerts, editing, deleting, CVE alerts, unsubscribe links."""

import re

import pytest
from django.core import mail
from django.test import Client

from images.alerts import alerts_compute, saved_search_save
from images.models import CveAlertSubscription, SavedSearch
from images.services.alert_messages import unsubscribe_token
from tests.alerts.conftest import push_indexed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def as_alice(alice):
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def as_bob(bob):
    client = Client()
    client.force_login(bob)
    return client


def test_the_search_page_offers_to_save_the_search_to_signed_in_people_only(client, as_alice):
    assert b"Save this search" not in client.get("/search?q=webapp").content
    page = as_alice.get("/search?q=webapp&arch=arm64&sort=pulls&page=2").content.decode()
    assert "Save this search" in page
    form = page[page.index('id="save-search"') :]
    assert 'name="q" value="webapp"' in form and 'name="arch" value="arm64"' in form
    assert 'name="sort" value="pulls"' in form and 'name="page"' not in form


def test_save_this_search_keeps_query_facets_and_sort(as_alice, alice):
    response = as_alice.post(
        "/settings/alerts/new", {"q": "webapp", "arch": "arm64", "trusted": "official", "sort": "pulls"}
    )
    assert response.status_code == 302 and response["Location"] == "/settings/alerts"
    saved = SavedSearch.objects.get(user=alice)
    assert (saved.name, saved.query, saved.sort) == ("webapp", "webapp", "pulls")
    assert saved.filters == {"trusted": ["official"], "architectures": ["arm64"]}
    page = as_alice.get("/settings/alerts").content.decode()
    assert "webapp" in page and "/search?q=webapp&amp;trusted=official&amp;arch=arm64&amp;sort=pulls" in page


def test_settings_list_the_last_notices(as_alice, alice, acme):
    saved_search_save(user=alice, name="apps", query="webapp")
    push_indexed("acme", "webapp", "1.0")
    alerts_compute()
    page = as_alice.get("/settings/alerts").content.decode()
    assert "New repository" in page and 'href="/r/acme/webapp"' in page


def test_edit_and_delete_are_the_owners_alone(as_alice, as_bob, alice):
    saved = saved_search_save(user=alice, name="apps", query="webapp")
    assert as_bob.get(f"/settings/alerts/{saved.pk}").status_code == 404
    assert as_bob.post(f"/settings/alerts/{saved.pk}", {"name": "mine", "mode": "daily"}).status_code == 404
    assert as_bob.post(f"/settings/alerts/{saved.pk}/delete").status_code == 404
    assert as_alice.get(f"/settings/alerts/{saved.pk}").status_code == 200
    response = as_alice.post(
        f"/settings/alerts/{saved.pk}", {"name": "apps", "mode": "daily", "email": "on", "active": "on"}
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.mode == "daily" and saved.email and saved.active
    bad = as_alice.post(f"/settings/alerts/{saved.pk}", {"name": "apps", "mode": "hourly", "webhook_url": "ftp://x"})
    assert bad.status_code == 400 and b"Select a valid choice" in bad.content
    assert as_alice.post(f"/settings/alerts/{saved.pk}/delete").status_code == 302
    assert not SavedSearch.objects.exists()
    assert as_alice.get("/settings/alerts/999999").status_code == 404


def test_pages_need_a_sign_in_and_a_csrf_token(client, alice):
    assert client.get("/settings/alerts").status_code == 302
    assert client.post("/settings/alerts/new", {"q": "x"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post("/settings/alerts/new", {"q": "x"}).status_code == 403
    assert not SavedSearch.objects.exists()


def test_cve_alerts_can_be_turned_off_on_the_settings_page(as_alice, alice):
    assert b'name="enabled" id="id_enabled" checked' in as_alice.get("/settings/alerts").content
    assert as_alice.post("/settings/alerts/cve", {"email": "on"}).status_code == 302
    assert not CveAlertSubscription.objects.get(user=alice).enabled
    bad = as_alice.post("/settings/alerts/cve", {"enabled": "on", "webhook_url": "gopher://x"})
    assert bad.status_code == 400


def test_the_unsubscribe_link_asks_then_unsubscribes_without_a_sign_in(client, alice, acme):
    saved = saved_search_save(user=alice, name="apps", query="webapp")
    push_indexed("acme", "webapp", "1.0")
    alerts_compute()
    [link] = re.findall(r"http\S+/alerts/unsubscribe/\S+", mail.outbox[0].body)
    path = link[link.index("/alerts/") :]
    page = client.get(path)
    assert page.status_code == 200 and b"Stop the alerts" in page.content
    saved.refresh_from_db()
    assert saved.active  # a GET (a mail scanner following links) changes nothing
    assert b"no more alerts" in client.post(path).content
    saved.refresh_from_db()
    assert not saved.active
    assert client.get("/alerts/unsubscribe/nonsense").status_code == 404
    assert client.get(f"/alerts/unsubscribe/{unsubscribe_token('search', 999999)}").status_code == 404


def test_cve_unsubscribe_link(client, alice):
    path = f"/alerts/unsubscribe/{unsubscribe_token('cve', alice.pk)}"
    assert b"Stop CVE alerts" in client.get(path).content
    client.post(path)
    assert not CveAlertSubscription.objects.get(user=alice).enabled


def test_pages_fit_the_site_layout(as_alice, alice):
    saved = saved_search_save(user=alice, name="apps", query="webapp")
    for path in (
        "/settings/alerts",
        f"/settings/alerts/{saved.pk}",
        f"/alerts/unsubscribe/{unsubscribe_token('search', saved.pk)}",
    ):
        page = as_alice.get(path).content.decode()
        assert '<meta name="viewport"' in page and "<main" in page, path
