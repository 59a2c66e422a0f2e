"""Pull counting: GETs are recorded off the database and folded in by pull_flush."""

import os

import pytest

from images.models import Repository, Tag
from images.services.pulls import pull_flush
from images.tasks import pull_flush_task
from tests.helpers.integration import port_open, require


@pytest.fixture(params=["log", "redis"])
def counter(request, settings, monkeypatch, db):
    monkeypatch.setattr("images.services.pulls.RENAME_SETTLE_SECONDS", 0)
    if request.param == "redis":
        url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        require(port_open("127.0.0.1", 6379) or bool(os.environ.get("REDIS_URL")), "Redis is not running on :6379")
        settings.REDIS_URL = url
        import redis

        redis.Redis.from_url(url).delete("hub:pulls:count", "hub:pulls:tags")
    else:
        settings.REDIS_URL = ""
    pull_flush()  # drop what earlier tests recorded, before any repository of this test exists
    return request.param


def test_manifest_get_counts_head_does_not(counter, registry, settings, django_assert_num_queries):
    digest, _ = registry.push_image("alice/app", "v1")
    registry.token("repository:alice/app:pull,push,delete")  # fetched outside the counted block
    with django_assert_num_queries(1):  # the manifest lookup; counting writes nothing to the database
        registry.call("GET", "/v2/alice/app/manifests/v1")
    registry.call("GET", f"/v2/alice/app/manifests/{digest}")
    registry.call("HEAD", "/v2/alice/app/manifests/v1")
    registry.call("GET", "/v2/alice/app/manifests/nope")
    assert Repository.objects.get().pull_count == 0

    assert pull_flush() == 2
    assert Repository.objects.get().pull_count == 2
    assert Tag.objects.get().last_pulled_at is not None
    assert pull_flush() == 0
    assert Repository.objects.get().pull_count == 2


def test_flush_task(counter, registry):
    registry.push_image("alice/app", "v1")
    registry.call("GET", "/v2/alice/app/manifests/v1")
    assert pull_flush_task.apply().get() == 1
