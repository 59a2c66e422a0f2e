"""Saved-search and CVE alerts computed from stored data: told once, digests, unsubscribe, visibility."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from images.alerts import alerts_compute, alerts_digest, saved_search_change, saved_search_save, search_path
from images.models import AlertMessage, CveNotice, SavedSearch, SearchNotice
from images.services import alert_messages, alerts, cve_alerts
from images.services.repositories import repository_update
from images.services.stars import star_create
from images.services.vulns import vulnerability_import
from tests.alerts.conftest import push_indexed

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def links_in(message) -> list[str]:
    return [word for word in message.body.split() if word.startswith("http")]


def test_a_new_tag_and_a_new_repository_are_told_once_each(alice, acme):
    push_indexed("acme", "webapp", "1.0")
    saved = saved_search_save(user=alice, name="webapps", query="webapp")
    assert alerts_compute()["search_notices"] == 0 and not mail.outbox  # what matched when saved is no news

    push_indexed("acme", "webapp", "2.0")
    alerts_compute()
    assert len(mail.outbox) == 1
    told = mail.outbox[0]
    assert told.to == ["alice@example.org"] and '"webapps"' in told.subject
    assert "New tag acme/webapp:2.0" in told.body
    assert any(link.endswith("/r/acme/webapp/tags/2.0") for link in links_in(told))
    assert any(link.endswith("/search?q=webapp") for link in links_in(told))
    assert any("/alerts/unsubscribe/" in link for link in links_in(told))

    push_indexed("acme", "webapp-api", "3.1")
    alerts_compute()
    assert len(mail.outbox) == 2
    assert "New repository acme/webapp-api" in mail.outbox[1].body and "tag 3.1" in mail.outbox[1].body
    assert "webapp:1.0" not in mail.outbox[1].body

    assert alerts_compute() == {"search_notices": 0, "cve_notices": 0}
    assert len(mail.outbox) == 2  # run again: nothing new
    kinds = sorted(SearchNotice.objects.filter(saved_search=saved).values_list("kind", "tag"))
    assert kinds == [("repository", ""), ("tag", "2.0"), ("tag", "3.1")]  # what matched when saved is its state
    saved.refresh_from_db()
    assert saved.matches == sorted(acme.repositories.values_list("pk", flat=True))


def test_filters_and_sort_are_part_of_the_saved_search(alice, acme):
    saved = saved_search_save(user=alice, name="arm", query="webapp", filters={"architectures": ["arm64"]})
    push_indexed("acme", "webapp", "1.0")  # amd64: not a match
    alerts_compute()
    assert not mail.outbox
    assert search_path(saved) == "/search?q=webapp&arch=arm64"


def test_daily_digest_collects_the_matches_in_one_mail(alice, acme):
    saved_search_save(user=alice, name="apps", query="webapp", mode="daily")
    push_indexed("acme", "webapp", "1.0")
    push_indexed("acme", "webapp-cli", "1.0")
    alerts_compute()
    assert not mail.outbox  # daily: waits for the digest
    assert alerts_digest() == 1
    assert len(mail.outbox) == 1 and "Daily digest: 2 new matches" in mail.outbox[0].subject
    assert "acme/webapp-cli" in mail.outbox[0].body and "acme/webapp\n" in mail.outbox[0].body
    assert alerts_digest() == 0 and alerts_compute()["search_notices"] == 0
    assert len(mail.outbox) == 1


def test_a_digest_is_sent_for_a_search_that_had_matches_when_saved(alice, acme):
    push_indexed("acme", "webapp", "1.0")
    saved_search_save(user=alice, name="apps", query="webapp", mode="daily")
    assert alerts_digest() == 0  # the baseline is no news
    push_indexed("acme", "webapp", "2.0")
    alerts_compute()
    assert alerts_digest() == 1 and "New tag acme/webapp:2.0" in mail.outbox[0].body
    assert "webapp:1.0" not in mail.outbox[0].body


def test_unsubscribe_link_stops_the_alerts(alice, acme):
    saved = saved_search_save(user=alice, name="apps", query="webapp")
    push_indexed("acme", "webapp", "1.0")
    alerts_compute()
    [link] = [word for word in links_in(mail.outbox[0]) if "/alerts/unsubscribe/" in word]
    token = link.rsplit("/", 1)[1]
    assert alerts.unsubscribe_target(token) == saved
    assert alerts.unsubscribe_target(token + "x") is None and alerts.unsubscribe_target("search.1") is None
    alerts.unsubscribe(token=token)
    push_indexed("acme", "webapp", "2.0")
    alerts_compute()
    assert len(mail.outbox) == 1
    saved.refresh_from_db()
    assert not saved.active
    # Turned on again, it starts from now: the tag pushed while it was off is not told.
    saved_search_change(user=alice, saved=saved, active=True)
    push_indexed("acme", "webapp", "3.0")
    alerts_compute()
    assert len(mail.outbox) == 2 and "webapp:3.0" in mail.outbox[1].body and "2.0" not in mail.outbox[1].body


def test_a_private_repository_is_never_told_to_someone_who_cannot_read_it(alice, bob, acme):
    repository = push_indexed("acme", "webapp", "1.0")
    repository_update(actor=alice, repository=repository, is_private=True)
    saved_search_save(user=alice, name="mine", query="webapp")
    saved_search_save(user=bob, name="theirs", query="webapp")
    push_indexed("acme", "webapp", "2.0")
    push_indexed("acme", "webapp-new", "1.0")
    repository_update(actor=alice, repository=repository.__class__.objects.get(name="webapp-new"), is_private=True)
    alerts_compute()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert not SearchNotice.objects.filter(saved_search__user=bob).exclude(kind="baseline").exists()


def test_cve_alert_after_an_advisory_import_on_a_starred_repository(alice, bob, advisory):
    repository = push_indexed("bob", "tool", "1.0")  # Jinja2 2.10, affected
    star_create(user=alice, repository=repository)
    assert alerts_compute()["cve_notices"] == 0
    vulnerability_import(source=advisory)
    alerts_compute()
    [told] = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert "CRITICAL PYSEC-2099-1 (CVE-2099-0001) in bob/tool" in told.body
    assert "package Jinja2 2.10" in told.body or "package jinja2 2.10" in told.body.lower()
    assert any(link.endswith("/r/bob/tool/tags/1.0") for link in links_in(told))
    assert CveNotice.objects.filter(subscription__user=alice).count() == 1
    before = len(mail.outbox)
    assert alerts_compute()["cve_notices"] == 0  # idempotent
    vulnerability_import(source=advisory)  # the same advisory again: nothing new to tell
    alerts_compute()
    assert len(mail.outbox) == before


def test_cve_alerts_follow_organizations_and_respect_visibility(alice, bob, acme, advisory):
    repository = push_indexed("acme", "vault", "1.0")
    star_create(user=bob, repository=repository)  # starred while it was public
    repository_update(actor=alice, repository=repository, is_private=True)
    vulnerability_import(source=advisory)
    alerts_compute()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]  # alice owns acme; bob may not read it


def test_cve_alerts_can_be_turned_off(alice, acme, advisory):
    push_indexed("acme", "vault", "1.0")
    cve_alerts.cve_subscription_update(user=alice, enabled=False)
    vulnerability_import(source=advisory)
    alerts_compute()
    assert not mail.outbox


def test_only_the_owner_changes_or_deletes_a_search(alice, bob):
    saved = saved_search_save(user=alice, name="mine", query="x")
    with pytest.raises(PermissionDenied):
        alerts.saved_search_update(user=bob, saved=saved, name="theirs")
    with pytest.raises(PermissionDenied):
        alerts.saved_search_delete(user=bob, saved=saved)
    with pytest.raises(PermissionDenied):
        alerts.saved_search_create(user=None, name="nobody")
    alerts.saved_search_delete(user=alice, saved=saved)
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"name": " "},
        {"name": "x", "mode": "hourly"},
        {"name": "x", "webhook_url": "file:///etc/passwd"},
        {"name": "x", "filters": {"not a name": ["a"]}},
        {"name": "x", "filters": {"os": [{"nested": 1}]}},
        {"name": "x", "filters": ["os"]},
    ],
)
def test_bad_fields_are_refused_with_their_name(alice, fields):
    with pytest.raises(ValidationError):
        alerts.saved_search_create(user=alice, **fields)


def test_webhook_gets_the_matches_signed(alice, acme, settings):
    import http.server
    import json
    import threading

    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        saved = saved_search_save(user=alice, name="apps", query="webapp", email=False, webhook_url=url)
        push_indexed("acme", "webapp", "1.0")
        alerts_compute()
        assert not mail.outbox  # email off
        message = AlertMessage.objects.get(saved_search=saved)
        assert alert_messages.alert_webhook_attempt(message_id=message.pk) == "delivered"
        assert alert_messages.alert_webhook_attempt(message_id=message.pk) == "delivered"  # not sent twice
    finally:
        server.shutdown()
    [(headers, body)] = received
    from images.services.webhooks import signature

    assert headers["X-Hub-Signature-256"] == signature(saved.webhook_secret, body)
    payload = json.loads(body)
    assert payload["event"] == "saved_search.matches"
    assert [m["repository"] for m in payload["matches"]] == ["acme/webapp"]


def test_a_search_runs_again_when_something_changed_and_a_listing_edit_counts(alice, acme):
    """A search runs again when a repository changed since it last ran: one that starts to match because its
    description was edited is told; with nothing changed the search is only marked as checked."""
    push_indexed("acme", "tool", "1.0")
    push_indexed("acme", "gadget", "1.0")
    saved = saved_search_save(user=alice, name="scanners", query="scanner")
    assert alerts_compute()["search_notices"] == 0
    tool = acme.repositories.get(name="tool")
    repository_update(actor=alice, repository=tool, short_description="A container scanner")
    alerts_compute()
    [told] = mail.outbox
    assert "New repository acme/tool" in told.body and "gadget" not in told.body
    saved.refresh_from_db()
    checked = saved.last_checked_at
    assert alerts_compute() == {"search_notices": 0, "cve_notices": 0}  # nothing changed: only marked as checked
    saved.refresh_from_db()
    assert saved.last_checked_at > checked and len(mail.outbox) == 1
