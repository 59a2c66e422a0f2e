"""Every code of the registry's error table (images/registry/errors.py) is answered, with its status and
the error envelope, by a real request; every domain error (images/errors.py) has its row in
DOMAIN_CODES. A code or a domain error added without a way to reach it here fails."""

import inspect
import json

import pytest

from images import errors
from images.registry.errors import DOMAIN_CODES, Code, registry_error
from tests.registry.conftest import OCI_MANIFEST, sha256

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(b"{}"), "size": 2},
        "layers": [],
    }
).encode()


def _upload_location(registry) -> str:
    return registry.call("POST", "/v2/alice/app/blobs/uploads/")["Location"]


# code: (how to provoke it with the registry client `r` of alice, who owns alice/app)
PROVOKE = {
    Code.BLOB_UNKNOWN: lambda r: r.call("GET", f"/v2/alice/app/blobs/{sha256(b'never pushed')}"),
    Code.BLOB_UPLOAD_UNKNOWN: lambda r: r.call(
        "GET", "/v2/alice/app/blobs/uploads/8f7ab9c4-0000-4000-8000-000000000000"
    ),
    Code.DIGEST_INVALID: lambda r: r.call("POST", f"/v2/alice/app/blobs/uploads/?digest={sha256(b'other')}", b"data"),
    Code.MANIFEST_BLOB_UNKNOWN: lambda r: r.call(
        "PUT", "/v2/alice/app/manifests/v1", MANIFEST, content_type=OCI_MANIFEST
    ),
    Code.MANIFEST_INVALID: lambda r: r.call("PUT", "/v2/alice/app/manifests/v1", b"[]", content_type=OCI_MANIFEST),
    Code.MANIFEST_UNKNOWN: lambda r: r.call("GET", "/v2/alice/app/manifests/never"),
    Code.NAME_INVALID: lambda r: r.call("GET", "/v2/alice/UPPER/tags/list", scopes=("repository:alice/UPPER:pull",)),
    Code.NAME_UNKNOWN: lambda r: r.call("GET", "/v2/alice/gone/tags/list"),
    Code.SIZE_INVALID: lambda r: r.call(
        "PATCH", _upload_location(r), b"four", environ={"CONTENT_LENGTH": "3", "HTTP_CONTENT_RANGE": "0-3"}
    ),
    Code.RANGE_INVALID: lambda r: r.call("PATCH", _upload_location(r), b"data", headers={"Content-Range": "5-8"}),
    Code.PAGINATION_NUMBER_INVALID: lambda r: r.call("GET", "/v2/alice/app/tags/list?n=many"),
    Code.UNAUTHORIZED: lambda r: r.client.get("/v2/alice/app/tags/list"),
    Code.DENIED: lambda r: r.call("DELETE", "/v2/alice/app/manifests/v1", scopes=("repository:alice/app:pull",)),
    Code.UNSUPPORTED: lambda r: r.client.options("/v2/"),
}


@pytest.fixture
def pushed(registry):
    registry.push_image("alice/app", "latest")
    return registry


def test_every_code_has_a_way_to_reach_it():
    assert set(PROVOKE) | {Code.TOOMANYREQUESTS} == set(Code)  # TOOMANYREQUESTS: tests/api/test_ratelimit.py


@pytest.mark.parametrize("code", list(PROVOKE), ids=lambda code: code.name)
def test_each_code_is_answered_with_its_status(pushed, code):
    response = PROVOKE[code](pushed)
    assert response.status_code == code.status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == code.name


def test_every_domain_error_has_a_code():
    domain = {cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.DomainError)}
    assert domain - {errors.DomainError} == set(DOMAIN_CODES)
    for cls, (code, status) in DOMAIN_CODES.items():
        error = registry_error(cls(reason="why"))
        assert (error.code, error.status) == (code, status or code.status)
        assert error.detail == {"reason": "why"}


def test_the_statuses_are_distributions():
    """The statuses distribution/distribution registers for each code (the spec ties them to endpoints)."""
    assert {code.name: code.status for code in Code} == {
        "BLOB_UNKNOWN": 404,
        "BLOB_UPLOAD_UNKNOWN": 404,
        "DIGEST_INVALID": 400,
        "MANIFEST_BLOB_UNKNOWN": 400,
        "MANIFEST_INVALID": 400,
        "MANIFEST_UNKNOWN": 404,
        "NAME_INVALID": 400,
        "NAME_UNKNOWN": 404,
        "SIZE_INVALID": 400,
        "RANGE_INVALID": 416,
        "PAGINATION_NUMBER_INVALID": 400,
        "UNAUTHORIZED": 401,
        "DENIED": 403,
        "UNSUPPORTED": 405,
        "TOOMANYREQUESTS": 429,
    }
