import pytest

from images.models import Mirror, Repository
from tests.api.conftest import bearer, pat

pytestmark = pytest.mark.django_db
URL = "/v2/repositories/alice/app/mirrors/"


@pytest.fixture
def app(alice):
    return Repository.objects.create(namespace=alice.namespace, name="app")


def test_add_a_mirror_then_list_and_sync_it(api, alice, app):
    token = pat(alice, "read-write-delete")
    created = api.post(
        URL,
        {"upstream": "registry.example.org/team/app", "tag_filter_kind": "glob", "tag_filter": "1.*",
         "username": "robot", "password": "s3cret"},
        **bearer(token),
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["upstream"] == "registry.example.org/team/app"
    assert (body["tag_filter_kind"], body["tag_filter"], body["has_credentials"]) == ("glob", "1.*", True)
    assert body["status"] == Mirror.Status.QUEUED
    assert "password" not in body and "s3cret" not in created.content.decode()

    listed = api.get(URL, **bearer(token))
    assert [m["id"] for m in listed.json()] == [body["id"]]
    synced = api.post(f"{URL}{body['id']}/sync", **bearer(token))
    assert synced.status_code == 202
    assert api.post(f"{URL}999999/sync", **bearer(token)).status_code == 404


def test_bad_input_is_a_400_with_the_reason(api, alice, app):
    token = pat(alice, "read-write-delete")
    bad_regex = api.post(
        URL, {"upstream": "r.example.org/a/b", "tag_filter_kind": "regex", "tag_filter": "("}, **bearer(token)
    )
    assert bad_regex.status_code == 400
    assert "tag_filter" in bad_regex.content.decode()
    assert api.post(URL, {"upstream": "NOT A REF!"}, **bearer(token)).status_code == 400
    assert not Mirror.objects.exists()


def test_only_those_who_administer_the_repository_see_or_add_mirrors(api, alice, bob, app):
    assert api.get(URL).status_code == 401
    assert api.get(URL, **bearer(pat(bob, "read-write"))).status_code == 403
    assert api.get(URL, **bearer(pat(alice, "read"))).status_code == 403
    app.is_private = True
    app.save()
    assert api.get(URL, **bearer(pat(bob, "read-write"))).status_code == 404
