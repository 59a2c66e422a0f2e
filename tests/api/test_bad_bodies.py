"""Malformed JSON bodies on every Hub API endpoint that takes one: a 400 with a message, never a 500.

Issue #13 measured a body of 100,000 nested arrays answering 500 (a RecursionError) on every write endpoint.
The endpoints come from the OpenAPI schema (every operation with a request body), so an endpoint added later
gets these rows without anyone writing them; a path parameter without a sample below fails the run. The caller
is the owner of everything the URLs name, so each request gets past authentication and lookups to its body.
"""

import io
import json
import re

import pytest
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

from hub.accounts.services import access_token_create
from images.api.parsers import DEPTH_MAX, TOO_DEEP, JSONParser
from images.models import Mirror, Namespace, Repository
from images.services.alerts import saved_search_create
from images.services.organizations import membership_set, organization_create, team_create
from tests.api.conftest import basic

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DEEP = 100_000
BODIES = {
    "arrays-100000-deep": ("[" * DEEP + "]" * DEEP, TOO_DEEP),
    "objects-100000-deep": ('{"a":' * DEEP + "1" + "}" * DEEP, TOO_DEEP),
    "one-level-too-deep": ('{"a":' * DEPTH_MAX + "[]" + "}" * DEPTH_MAX, TOO_DEEP),
    # Past Python's 4,300-digit limit for int(): json raises ValueError, which DRF already answers.
    "integer-of-5000-digits": ('{"name": ' + "9" * 5000 + "}", "JSON parse error - Exceeds the limit"),
    "truncated": ('{"name": ', "JSON parse error - Expecting value"),
}


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    )


OPERATIONS = _operations()


@pytest.fixture
def owned(alice, bob):
    """alice owns alice/app (with a mirror), the organization acme (bob a member, team `release`), a token and a
    saved search."""
    repository = Repository.objects.create(namespace=Namespace.objects.get(name="alice"), name="app")
    mirror = Mirror.objects.create(repository=repository, upstream_registry="127.0.0.1:5000", upstream_repository="x")
    organization = organization_create(owner=alice, name="acme")
    membership_set(organization=organization, user=bob, role="member")
    team_create(organization=organization, name="release")
    token = access_token_create(user=alice, name="ci", scope="read")[0]
    saved = saved_search_create(user=alice, name="apps", query="app")
    return {
        "search_id": str(saved.pk),
        "namespace": "alice",
        "name": "app",
        "mirror_id": str(mirror.pk),
        "org": "acme",
        "team": "release",
        "username": "bob",
        "token_id": str(token.pk),
    }


def test_the_schema_lists_the_write_endpoints_issue_13_tried():
    assert {
        ("POST", "/v2/repositories/"),
        ("PATCH", "/v2/repositories/{namespace}/{name}/"),
        ("POST", "/v2/users/login/"),
        ("POST", "/v2/access-tokens/"),
        ("POST", "/v2/repositories/{namespace}/{name}/webhooks/"),
        ("POST", "/v2/repositories/{namespace}/{name}/mirrors/"),
    } <= set(OPERATIONS)


@pytest.mark.parametrize("body, message", BODIES.values(), ids=BODIES)
@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_malformed_json_is_400_with_a_message(client, owned, method, path, body, message):
    params = {key: owned[key] for key in re.findall(r"{(\w+)}", path)}
    response = client.generic(
        method, path.format(**params), body, content_type="application/json", **basic("alice", "alice-password")
    )
    assert response.status_code == 400, response.content[:300]
    answer = response.json()
    assert answer["message"].startswith(message)
    assert answer["detail"] == answer["message"]


def test_nesting_up_to_the_limit_is_parsed():
    body = '{"a":' * (DEPTH_MAX - 1) + "[]" + "}" * (DEPTH_MAX - 1)
    data = JSONParser().parse(io.BytesIO(body.encode()))
    assert json.dumps(data) == body.replace(":", ": ")


def test_every_api_view_parses_json_with_the_bounded_parser():
    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            elif isinstance(getattr(pattern.callback, "view_class", None), type):
                yield pattern.callback.view_class

    api_views = {view for view in views(get_resolver().url_patterns) if issubclass(view, APIView)}
    assert len(api_views) > 20
    for view in api_views:
        json_parsers = [p for p in view.parser_classes if "json" in p.media_type]
        assert json_parsers in ([], [JSONParser]), view
