"""/v2/alerts/: saved searches and CVE alert settings over the Hub API; only the caller's own."""

import pytest
from django.core import mail

from images.alerts import alerts_compute
from images.models import SavedSearch
from tests.alerts.conftest import push_indexed
from tests.api.conftest import api, bearer, pat  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_create_list_read_update_delete_and_notices(api, alice, acme):  # noqa: F811
    auth = bearer(pat(alice, "read-write"))
    body = {"name": "apps", "query": "webapp", "filters": {"os": ["linux"]}, "sort": "updated"}
    created = api.post("/v2/alerts/searches/", body, **auth)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["name"], data["query"], data["filters"], data["mode"], data["active"]) == (
        "apps", "webapp", {"os": ["linux"]}, "immediate", True
    )  # fmt: skip
    assert data["search_url"].endswith("/search?q=webapp&os=linux&sort=updated")
    search_id = data["id"]
    assert [s["id"] for s in api.get("/v2/alerts/searches/", **auth).json()["results"]] == [search_id]

    push_indexed("acme", "webapp", "1.0")
    alerts_compute()
    assert len(mail.outbox) == 1
    notices = api.get(f"/v2/alerts/searches/{search_id}/notices/", **auth).json()
    assert notices["count"] == 2  # the new repository, and its tag
    assert {(n["kind"], n["repository"], n["tag"], n["told"]) for n in notices["results"]} == {
        ("repository", "acme/webapp", None, True),
        ("tag", "acme/webapp", "1.0", True),
    }

    changed = api.patch(f"/v2/alerts/searches/{search_id}/", {"mode": "daily", "email": False}, **auth)
    assert changed.status_code == 200 and changed.json()["mode"] == "daily" and not changed.json()["email"]
    assert api.delete(f"/v2/alerts/searches/{search_id}/", **auth).status_code == 204
    assert not SavedSearch.objects.exists()


def test_anonymous_is_401_and_another_persons_search_404(api, client, alice, bob):  # noqa: F811
    assert client.get("/v2/alerts/searches/").status_code == 401
    assert client.get("/v2/alerts/cve/").status_code == 401
    assert api.post("/v2/alerts/searches/", {"name": "x"}).status_code == 401
    mine = api.post("/v2/alerts/searches/", {"name": "mine", "query": "x"}, **bearer(pat(alice, "read-write"))).json()
    theirs = bearer(pat(bob, "read-write"))
    for method in ("get", "patch", "delete"):
        response = getattr(api, method)(f"/v2/alerts/searches/{mine['id']}/", **theirs)
        assert response.status_code == 404, method
    assert api.get(f"/v2/alerts/searches/{mine['id']}/notices/", **theirs).status_code == 404
    assert api.get("/v2/alerts/searches/", **theirs).json()["count"] == 0
    assert api.get("/v2/alerts/searches/not-a-number/", **theirs).status_code == 404


def test_a_read_token_reads_but_does_not_change(api, alice):  # noqa: F811
    read = bearer(pat(alice, "read"))
    assert api.get("/v2/alerts/searches/", **read).status_code == 200
    assert api.post("/v2/alerts/searches/", {"name": "x"}, **read).status_code == 403
    assert api.patch("/v2/alerts/cve/", {"enabled": False}, **read).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x", "mode": "hourly"},
        {"name": "x", "webhook_url": "file:///etc/passwd"},
        {"name": "x", "filters": {"bad name": ["a"]}},
        {"name": "x", "filters": ["os"]},
        {"name": "x", "filters": {"os": "linux"}},
    ],
)
def test_bad_bodies_are_400(api, alice, body):  # noqa: F811
    response = api.post("/v2/alerts/searches/", body, **bearer(pat(alice, "read-write")))
    assert response.status_code == 400, response.content


def test_cve_alert_settings(api, alice):  # noqa: F811
    auth = bearer(pat(alice, "read-write"))
    assert api.get("/v2/alerts/cve/", **auth).json()["enabled"] is True  # on by default
    off = api.patch("/v2/alerts/cve/", {"enabled": False, "webhook_url": "https://hooks.example.org/cve"}, **auth)
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert off.json()["webhook_url"] == "https://hooks.example.org/cve" and off.json()["webhook_secret"]
    assert api.get("/v2/alerts/cve/", **auth).json()["enabled"] is False
    assert api.patch("/v2/alerts/cve/", {"webhook_url": "gopher://x"}, **auth).status_code == 400
    assert api.get("/v2/alerts/cve/notices/", **auth).json()["count"] == 0
