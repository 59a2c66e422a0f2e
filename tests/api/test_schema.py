"""The OpenAPI schema, the docs Hub serves for it, and schemathesis against every operation.

schemathesis generates requests from the schema (bounded: a few examples per operation) and calls
Hub's WSGI app in-process; every answer must be a non-5xx that the schema describes.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hub.wsgi import application
from tests.api.conftest import pat

pytestmark = pytest.mark.django_db
MAX_EXAMPLES = 20


def test_schema_is_openapi_3(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {"/v1/search", "/v2/users/login/", "/v2/repositories/{namespace}/{name}/tags/",
            "/v2/search/catalog/", "/v2/access-tokens/"} <= paths  # fmt: skip
    assert not any(p.startswith("/api/") for p in paths)
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "basic", "session"}


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_are_served_by_hub(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_sidecar_assets_are_served(client, db):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200


def test_api_conforms_to_its_schema(alice, shelf, settings):
    """Every operation, a few generated requests each, as alice (so writes get past authentication too).

    Driven through hypothesis directly: schemathesis' pytest plugin does not load under pytest 9.
    """
    settings.HUB_RATELIMIT_API_ANON = settings.HUB_RATELIMIT_API_USER = ""
    headers = {"Authorization": f"Bearer {pat(alice, 'read-write-delete')}"}
    failures, operations = [], 0
    # As Django's test client does: a finished request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
        operations = _run_all(schema, headers, failures)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert operations >= 25
    assert not failures, "\n\n".join(failures)


def _run_all(schema, headers, failures) -> int:
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        try:
            run()
        except Exception as exc:  # every operation is tried; all failures are reported together
            failures.append(f"{operation.label}: {exc}")
    return operations
