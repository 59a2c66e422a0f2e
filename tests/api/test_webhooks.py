"""Webhooks of a repository through the Hub API: shapes, who may, bad input, and the secret shown once."""

import pytest

from images.models import Repository, Webhook, WebhookDelivery
from images.services.organizations import membership_set, organization_create, team_create, team_member_add
from images.services.organizations import team_permission_set as grant
from images.services.webhooks import webhook_create
from tests.api.conftest import bearer, pat
from tests.console.fixtures import eager, receiver  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
URL = "/v2/repositories/alice/app/webhooks/"
WEBHOOK_KEYS = {"id", "name", "url", "hook_url", "active", "creator", "created_at"}
DELIVERY_KEYS = {"id", "uuid", "event", "status", "attempts", "response_status", "error", "history",
                 "callback_state", "callback_description", "created_at", "delivered_at"}  # fmt: skip


@pytest.fixture
def app(alice):
    return Repository.objects.create(namespace=alice.namespace, name="app")


@pytest.fixture
def admin_token(alice):
    return pat(alice, "read-write-delete")


def test_create_shows_the_secret_once_then_never(api, alice, app, admin_token):
    created = api.post(
        URL, {"name": "ci", "url": "https://ci.example.org/hook", "secret": "s3cret"}, **bearer(admin_token)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == WEBHOOK_KEYS | {"secret"}
    assert (body["name"], body["url"], body["hook_url"]) == (
        "ci",
        "https://ci.example.org/hook",
        "https://ci.example.org/hook",
    )
    assert (body["secret"], body["creator"], body["active"]) == ("s3cret", "alice", True)

    listed = api.get(URL, **bearer(admin_token))
    detail = api.get(f"{URL}{body['id']}/", **bearer(admin_token))
    assert listed.status_code == detail.status_code == 200
    assert [set(w) for w in listed.json()] == [WEBHOOK_KEYS]
    assert set(detail.json()) == WEBHOOK_KEYS
    for response in (listed, detail):
        assert "s3cret" not in response.content.decode()


def test_a_secret_is_generated_when_none_is_given(api, alice, app, admin_token):
    body = api.post(URL, {"name": "gen", "url": "http://hooks.example.org/"}, **bearer(admin_token)).json()
    assert len(body["secret"]) >= 32
    assert Webhook.objects.get(pk=body["id"]).secret == body["secret"]
    assert body["secret"] not in api.get(URL, **bearer(admin_token)).content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "x", "url": "file:///etc/passwd"}, "url"),
        ({"name": "x", "url": "gopher://example.org/"}, "url"),
        ({"name": "x", "url": "not a url"}, "url"),
        ({"name": "x"}, "url"),
        ({"url": "https://example.org/"}, "name"),
        ({"name": "x" * 101, "url": "https://example.org/"}, "name"),
        ({"name": "x", "url": "https://example.org/", "secret": "s" * 256}, "secret"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(api, alice, app, admin_token, data, field):
    response = api.post(URL, data, **bearer(admin_token))
    assert response.status_code == 400
    body = response.json()
    assert field in body["errinfo"] and body["message"].startswith(field)
    assert not Webhook.objects.exists()


def test_a_json_body_that_is_not_an_object_is_a_400(api, alice, app, admin_token):
    assert api.post(URL, ["nope"], **bearer(admin_token)).status_code == 400
    response = api.generic("POST", URL, b"{not json", content_type="application/json", **bearer(admin_token))
    assert response.status_code == 400


def test_delete(api, alice, app, admin_token):
    webhook, _ = webhook_create(user=alice, repository=app, name="old", url="https://example.org/")
    assert api.delete(f"{URL}{webhook.pk}/", **bearer(admin_token)).status_code == 204
    assert not Webhook.objects.exists()
    assert api.delete(f"{URL}{webhook.pk}/", **bearer(admin_token)).status_code == 404


@pytest.mark.parametrize("suffix", ["999999/", "abc/", "999999/test", "-1/deliveries/", "99999999999999999999/"])
def test_unknown_webhooks_are_404(api, alice, app, admin_token, suffix):
    method = api.post if suffix.endswith("test") else api.get
    response = method(f"{URL}{suffix}", **bearer(admin_token))
    assert response.status_code == 404
    assert response.json()["message"]


def test_a_webhook_of_another_repository_is_not_found_here(api, alice, app, admin_token):
    other = Repository.objects.create(namespace=alice.namespace, name="other")
    webhook, _ = webhook_create(user=alice, repository=other, name="o", url="https://example.org/")
    assert api.get(f"{URL}{webhook.pk}/", **bearer(admin_token)).status_code == 404
    assert api.delete(f"{URL}{webhook.pk}/", **bearer(admin_token)).status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()


@pytest.mark.usefixtures("eager")
def test_test_delivery_reaches_the_receiver_and_shows_in_the_history(
    api,
    alice,
    app,
    admin_token,
    receiver,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
):
    webhook, secret = webhook_create(user=alice, repository=app, name="ci", url=receiver.url + "/hook")
    receiver.statuses = [503, 200]
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"{URL}{webhook.pk}/test", **bearer(admin_token))
    assert sent.status_code == 202, sent.content
    assert set(sent.json()) == DELIVERY_KEYS
    assert (sent.json()["event"], sent.json()["status"]) == ("test", "pending")
    assert len([r for r in receiver.received if r.method == "POST"]) == 2

    history = api.get(f"{URL}{webhook.pk}/deliveries/", **bearer(admin_token))
    assert history.status_code == 200
    page = history.json()
    assert set(page) == {"count", "next", "previous", "results"} and page["count"] == 1
    [delivery] = page["results"]
    assert set(delivery) == DELIVERY_KEYS
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("delivered", 2, 200)
    assert [a["status"] for a in delivery["history"]] == [503, 200]
    assert secret not in history.content.decode()


def test_deliveries_are_paginated_newest_first(api, alice, app, admin_token):
    webhook, _ = webhook_create(user=alice, repository=app, name="ci", url="https://example.org/")
    for _ in range(3):
        api.post(f"{URL}{webhook.pk}/test/", **bearer(admin_token))
    first = api.get(f"{URL}{webhook.pk}/deliveries/?page_size=2", **bearer(admin_token)).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    ids = [d["id"] for d in first["results"]]
    assert ids == sorted(ids, reverse=True)
    assert api.get(f"{URL}{webhook.pk}/deliveries/?page_size=0", **bearer(admin_token)).status_code == 400
    assert WebhookDelivery.objects.filter(event="test").count() == 3


def test_slashless_and_api_prefixed_paths(api, alice, app, admin_token):
    webhook, _ = webhook_create(user=alice, repository=app, name="ci", url="https://example.org/")
    assert api.get(URL.rstrip("/"), **bearer(admin_token)).status_code == 200
    assert api.get(f"/api{URL}{webhook.pk}", **bearer(admin_token)).status_code == 200
    assert (
        api.get(f"/v2/namespaces/alice/repositories/app/webhooks/{webhook.pk}/", **bearer(admin_token)).status_code
        == 200
    )


def test_who_may_manage_webhooks(api, alice, bob, app):
    webhook, _ = webhook_create(user=alice, repository=app, name="ci", url="https://example.org/")
    paths = [("get", URL), ("post", URL), ("get", f"{URL}{webhook.pk}/"), ("delete", f"{URL}{webhook.pk}/"),
             ("post", f"{URL}{webhook.pk}/test"), ("get", f"{URL}{webhook.pk}/deliveries/")]  # fmt: skip
    body = {"name": "x", "url": "https://example.org/"}

    def statuses(**headers):
        return {(api.post(p, body, **headers) if m == "post" else getattr(api, m)(p, **headers)).status_code
                for m, p in paths}  # fmt: skip

    # A public repository: anyone may read it, so the anonymous are asked to sign in, others refused.
    assert statuses() == {401}
    assert statuses(**bearer(pat(bob, "read-write-delete"))) == {403}
    # The owner, with a token whose scope stops short of admin.
    assert statuses(**bearer(pat(alice, "read-write"))) == {403}
    assert statuses(**bearer(pat(alice, "read"))) == {403}
    # A private repository is not there at all for those who may not read it.
    app.is_private = True
    app.save()
    assert statuses() == {404}
    assert statuses(**bearer(pat(bob, "read-write-delete"))) == {404}
    assert Webhook.objects.count() == 1 and not WebhookDelivery.objects.exists()


def test_in_an_organization_owners_and_admin_teams_may_editors_may_not(api, alice, bob, db):
    from hub.accounts.services import user_create

    carol = user_create(username="carol", password="carol-password")
    org = organization_create(owner=alice, name="acme")
    membership_set(organization=org, user=bob, role="editor")
    membership_set(organization=org, user=carol, role="member")
    repository = Repository.objects.create(namespace=org, name="app", is_private=True)
    url = "/v2/repositories/acme/app/webhooks/"
    body = {"name": "ci", "url": "https://example.org/"}

    assert api.post(url, body, **bearer(pat(bob, "read-write-delete"))).status_code == 403
    assert api.get(url, **bearer(pat(carol, "read-write-delete"))).status_code == 403
    team = team_create(organization=org, name="release")
    team_member_add(team=team, user=carol)
    grant(team=team, repository=repository, permission="admin")
    assert api.post(url, body, **bearer(pat(carol, "read-write-delete"))).status_code == 201
    assert api.get(url, **bearer(pat(alice, "read-write-delete"))).json()[0]["creator"] == "carol"
