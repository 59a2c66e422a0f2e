"""Webhooks: a real delivery to a real receiver on loopback, signed; retries with backoff; http(s) only."""

import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from images.models import AuditLogEntry, Webhook, WebhookDelivery
from images.services.demo import image_push
from images.services.repositories import repository_create
from images.services.webhooks import (
    SIGNATURE_HEADER,
    retry_delay,
    webhook_create,
    webhook_delivery_attempt,
    webhook_test,
)
from images.tasks import webhook_delivery_attempt_task
from tests.helpers.images import debian_image, multi_platform_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def repository(alice):
    return repository_create(
        actor=alice, namespace=alice.namespace, name="app", short_description="An app", full_description="# App"
    )


def signed(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_push_delivers_a_signed_docker_hub_payload(
    alice, repository, receiver, eager, django_capture_on_commit_callbacks
):
    webhook, secret = webhook_create(
        user=alice, repository=repository, name="ci", url=receiver.url + "/hook", secret="s3cret"
    )
    assert secret == "s3cret"
    index = multi_platform_index(marker="webhook")
    with django_capture_on_commit_callbacks(execute=True):
        manifest = image_push(repository=repository, image=index, tag="1.0", pushed_by=alice)

    [request] = [r for r in receiver.received if r.method == "POST"]
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers[SIGNATURE_HEADER] == signed("s3cret", request.body)
    payload = json.loads(request.body)
    assert payload["push_data"]["tag"] == "1.0"
    assert payload["push_data"]["pusher"] == "alice"
    assert isinstance(payload["push_data"]["pushed_at"], int)
    assert payload["push_data"]["images"][0] == manifest.digest
    assert set(payload["push_data"]["images"][1:]) == {image.digest for image in index.images}
    repo = payload["repository"]
    assert repo["repo_name"] == "alice/app"
    assert (repo["name"], repo["namespace"], repo["owner"]) == ("app", "alice", "alice")
    assert (repo["is_private"], repo["status"], repo["star_count"]) == (False, "Active", 0)
    assert (repo["description"], repo["full_description"]) == ("An app", "# App")
    assert repo["repo_url"].endswith("/r/alice/app")
    assert isinstance(repo["date_created"], int)
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert payload["callback_url"].endswith(f"/console/webhooks/callback/{delivery.uuid}")
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("delivered", 200, 1)
    assert bytes(delivery.body) == request.body  # what was stored is exactly what was signed and sent


def test_a_push_by_digest_and_a_push_without_webhooks_send_nothing(
    alice, repository, receiver, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image_push(repository=repository, image=debian_image(marker="none"), tag="1.0", pushed_by=alice)
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_failures_are_retried_with_backoff_until_delivered(
    alice, repository, receiver, eager, settings, django_capture_on_commit_callbacks
):
    settings.HUB_WEBHOOK_MAX_ATTEMPTS = 5
    receiver.statuses = [500, 502]
    webhook, secret = webhook_create(user=alice, repository=repository, name="flaky", url=receiver.url)
    assert len(secret) >= 32  # generated
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_test(user=alice, webhook=webhook)
    delivery.refresh_from_db()
    assert [attempt["status"] for attempt in delivery.history] == [500, 502, 200]
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    posts = [r for r in receiver.received if r.method == "POST"]
    assert len(posts) == 3 and len({r.body for r in posts}) == 1  # the same body each time
    assert all(r.headers[SIGNATURE_HEADER] == signed(secret, r.body) for r in posts)
    assert json.loads(posts[0].body)["push_data"]["pusher"] == "alice"


def test_delivery_gives_up_after_the_last_attempt(alice, repository, receiver, eager, settings):
    settings.HUB_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500] * 10
    webhook, _ = webhook_create(user=alice, repository=repository, name="down", url=receiver.url)
    delivery = webhook_test(user=alice, webhook=webhook)
    assert webhook_delivery_attempt_task.delay(delivery.pk).get() == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status, delivery.error) == (
        "failed",
        3,
        500,
        "HTTP 500",
    )
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "failed"  # a re-run sends nothing more
    assert len([r for r in receiver.received if r.method == "POST"]) == 3


def test_backoff_doubles_up_to_an_hour(settings):
    settings.HUB_WEBHOOK_RETRY_BASE_SECONDS = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == 3600


def test_a_slow_receiver_times_out(alice, repository, receiver, settings):
    settings.HUB_WEBHOOK_READ_TIMEOUT = 1
    settings.HUB_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.delay = 3
    webhook, _ = webhook_create(user=alice, repository=repository, name="slow", url=receiver.url)
    delivery = webhook_test(user=alice, webhook=webhook)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and delivery.response_status is None
    assert "Timeout" in delivery.error


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/", "javascript:alert(1)", "127.0.0.1"]
)
def test_only_http_urls_are_accepted(alice, repository, url):
    with pytest.raises(ValidationError):
        webhook_create(user=alice, repository=repository, name="bad", url=url)
    assert not Webhook.objects.exists()


def test_a_non_http_url_in_the_table_is_never_fetched(alice, repository, receiver):
    webhook, _ = webhook_create(user=alice, repository=repository, name="x", url=receiver.url)
    Webhook.objects.filter(pk=webhook.pk).update(url="file:///etc/passwd")
    delivery = webhook_test(user=alice, webhook=Webhook.objects.get(pk=webhook.pk))
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.error == "not an http(s) URL" and delivery.attempts == 1


def test_only_those_who_administer_the_repository_manage_webhooks(alice, bob, repository, receiver):
    with pytest.raises(PermissionDenied):
        webhook_create(user=bob, repository=repository, name="x", url=receiver.url)


def test_the_secret_is_shown_once_and_the_page_sends_a_test(
    alice, repository, receiver, client, eager, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    base = "/console/r/alice/app/-/webhooks"
    response = client.post(base, {"name": "ci", "url": receiver.url + "/ci", "secret": "a-secret-1234"})
    assert response.status_code == 201
    assert b"a-secret-1234" in response.content and response["Cache-Control"] == "no-store"
    webhook = Webhook.objects.get()
    assert b"a-secret-1234" not in client.get(base).content
    assert b"a-secret-1234" not in client.get(f"{base}/{webhook.pk}").content
    entry = AuditLogEntry.objects.get(action="webhook.create")
    assert "a-secret-1234" not in json.dumps([entry.before, entry.after])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/{webhook.pk}/test")
    assert response.status_code == 302
    [request] = [r for r in receiver.received if r.method == "POST"]
    assert request.headers[SIGNATURE_HEADER] == signed("a-secret-1234", request.body)
    assert json.loads(request.body)["push_data"]["tag"] == "latest"
    page = client.get(f"{base}/{webhook.pk}").content.decode()
    assert "Delivered" in page and ">200<" in page

    response = client.post(base, {"name": "bad", "url": "ftp://127.0.0.1/x"})
    assert response.status_code == 400 and Webhook.objects.count() == 1


def test_the_receiver_can_report_back_on_the_callback_url(alice, repository, receiver, client):
    webhook, _ = webhook_create(user=alice, repository=repository, name="ci", url=receiver.url)
    delivery = webhook_test(user=alice, webhook=webhook)
    callback = json.loads(bytes(delivery.body))["callback_url"]
    path = callback.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, json.dumps({"state": "success", "description": "ok"}), "application/json")
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.callback_state == "success"
    assert client.post("/" + path, "{}", "application/json").status_code == 400


def test_denied_networks_are_never_contacted(alice, repository, receiver, settings):
    webhook, _ = webhook_create(user=alice, repository=repository, name="meta", url="http://169.254.169.254/latest")
    delivery = webhook_test(user=alice, webhook=webhook)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.error == "address 169.254.169.254 is not allowed" and delivery.attempts == 1

    settings.HUB_WEBHOOK_DENY_NETWORKS = ["127.0.0.0/8"]
    local, _ = webhook_create(user=alice, repository=repository, name="local", url=receiver.url)
    delivery = webhook_test(user=alice, webhook=local)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "failed"
    assert receiver.received == []


def test_a_refused_connection_is_retried(alice, repository):
    from tests.helpers.integration import free_port

    webhook, _ = webhook_create(
        user=alice, repository=repository, name="closed", url=f"http://127.0.0.1:{free_port()}/"
    )
    delivery = webhook_test(user=alice, webhook=webhook)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert delivery.error.startswith("ConnectionError")
