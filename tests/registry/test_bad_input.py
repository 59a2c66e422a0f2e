"""Malformed registry requests: each one a clear 4xx in the OCI error envelope, on SQLite and PostgreSQL.

Issue #13 measured these answering 500: numbers int() refuses (a non-ASCII digit that passes str.isdigit, more
than 4,300 digits) in `n`, Range, Content-Range and Content-Length, and, on PostgreSQL, NUL characters in the
path or query string, which reached queries (the registry is served before RejectNulMiddleware). Every row is
one request and the exact answer: status, error code and the headers a client acts on.
"""

import json

import pytest

from tests.registry.conftest import OCI_INDEX, OCI_MANIFEST, sha256

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DATA = bytes(range(256)) * 4
BIG = "9" * 5000  # past Python's 4,300-digit limit for int()
PAST_INT64 = "9999999999999999999"
UPLOADED = b"abc"  # what the `upload` fixture holds


@pytest.fixture
def pushed(registry):
    blob = registry.push_blob("alice/app", DATA)
    manifest, body = registry.push_image("alice/app", "v1")
    response = registry.call("POST", "/v2/alice/app/blobs/uploads/")
    upload = response["Location"]
    response = registry.call("PATCH", upload, UPLOADED, headers={"Content-Range": f"0-{len(UPLOADED) - 1}"})
    assert response.status_code == 202
    return {"blob": blob, "manifest": manifest, "manifest_body": body, "upload": upload}


def assert_error(response, status: int, code: str, headers: dict | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Docker-Distribution-API-Version"] == "registry/2.0"
    if response.request["REQUEST_METHOD"] != "HEAD":
        errors = response.json()["errors"]
        assert [error["code"] for error in errors] == [code]
        assert errors[0]["message"]
    for name, value in (headers or {}).items():
        assert response[name] == value


# (method, path, headers, body, status, code, headers the answer carries); {blob}, {manifest}, {upload} and
# {size} (of the blob) are filled in from the `pushed` fixture.
ROWS = {
    # --- Range on a blob GET ---------------------------------------------------------------------------
    "range-start-past-int64": ("GET", "/v2/alice/app/blobs/{blob}", {"Range": f"bytes={PAST_INT64}-"}, b"",
                               416, "RANGE_INVALID", {"Content-Range": "bytes */{size}"}),
    "range-without-dash": ("GET", "/v2/alice/app/blobs/{blob}", {"Range": f"bytes={PAST_INT64}"}, b"",
                           416, "RANGE_INVALID", {"Content-Range": "bytes */{size}"}),
    "range-start-of-5000-digits": ("GET", "/v2/alice/app/blobs/{blob}", {"Range": f"bytes={BIG}-"}, b"",
                                   416, "RANGE_INVALID", {"Content-Range": "bytes */{size}"}),
    "range-both-of-5000-digits": ("GET", "/v2/alice/app/blobs/{blob}", {"Range": f"bytes={BIG}-{BIG}"}, b"",
                                  416, "RANGE_INVALID", {"Content-Range": "bytes */{size}"}),
    "range-superscript-digit": ("GET", "/v2/alice/app/blobs/{blob}", {"Range": "bytes=\xb2-"}, b"",
                                416, "RANGE_INVALID", {"Content-Range": "bytes */{size}"}),
    # --- n on the catalog and tag lists -----------------------------------------------------------------
    "catalog-n-superscript-digit": ("GET", "/v2/_catalog?n=%C2%B2", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    "catalog-n-of-5000-digits": ("GET", f"/v2/_catalog?n={BIG}", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    "tags-n-superscript-digit": ("GET", "/v2/alice/app/tags/list?n=%C2%B2", {}, b"",
                                 400, "PAGINATION_NUMBER_INVALID", {}),
    "tags-n-arabic-digit": ("GET", "/v2/alice/app/tags/list?n=%D9%A3", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    "tags-n-of-5000-digits": ("GET", f"/v2/alice/app/tags/list?n={BIG}", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    "tags-n-negative": ("GET", "/v2/alice/app/tags/list?n=-1", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    # --- Content-Range and Content-Length of chunks -------------------------------------------------------
    "patch-content-range-of-5000-digits": ("PATCH", "{upload}", {"Content-Range": f"{BIG}-{BIG}"}, b"def",
                                           416, "RANGE_INVALID", {"Range": "0-2", "Location": "{upload}"}),
    "patch-content-range-end-of-5000-digits": ("PATCH", "{upload}", {"Content-Range": f"3-{BIG}"}, b"def",
                                               400, "SIZE_INVALID", {}),
    "patch-content-range-superscript-digit": ("PATCH", "{upload}", {"Content-Range": "\xb3-5"}, b"def",
                                              416, "RANGE_INVALID", {"Range": "0-2"}),
    "put-content-range-of-5000-digits": ("PUT", "{upload}?digest=" + sha256(UPLOADED + b"def"),
                                         {"Content-Range": f"{BIG}-{BIG}"}, b"def", 416, "RANGE_INVALID", {}),
    "patch-content-length-superscript-digit": ("PATCH", "{upload}", {"CONTENT_LENGTH": "\xb3"}, b"def",
                                               400, "SIZE_INVALID", {}),
    "patch-content-length-of-5000-digits": ("PATCH", "{upload}", {"CONTENT_LENGTH": BIG}, b"def",
                                            400, "SIZE_INVALID", {}),
    # --- NUL in the path -------------------------------------------------------------------------------
    "manifest-get-nul": ("GET", "/v2/alice/app/manifests/%00", {}, b"", 404, "MANIFEST_UNKNOWN", {}),
    "manifest-head-nul": ("HEAD", "/v2/alice/app/manifests/v%001", {}, b"", 404, "MANIFEST_UNKNOWN", {}),
    "manifest-delete-nul": ("DELETE", "/v2/alice/app/manifests/a%00", {}, b"", 404, "MANIFEST_UNKNOWN", {}),
    "manifest-put-nul": ("PUT", "/v2/alice/app/manifests/a%00", {}, b"{}", 404, "MANIFEST_UNKNOWN", {}),
    "name-nul": ("GET", "/v2/alice/a%00pp/tags/list", {}, b"", 400, "NAME_INVALID", {}),
    "blob-digest-nul": ("GET", "/v2/alice/app/blobs/sha256:%00", {}, b"", 400, "DIGEST_INVALID", {}),
    "upload-id-nul": ("GET", "/v2/alice/app/blobs/uploads/%00", {}, b"", 404, "BLOB_UPLOAD_UNKNOWN", {}),
    "referrers-digest-nul": ("GET", "/v2/alice/app/referrers/sha256:%00", {}, b"", 400, "DIGEST_INVALID", {}),
    # --- NUL in the query string -----------------------------------------------------------------------
    "catalog-last-nul": ("GET", "/v2/_catalog?last=%00", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    "tags-last-nul": ("GET", "/v2/alice/app/tags/list?last=a%00", {}, b"", 400, "PAGINATION_NUMBER_INVALID", {}),
    "referrers-artifact-type-nul": ("GET", "/v2/alice/app/referrers/{manifest}?artifactType=%00", {}, b"",
                                    400, "UNSUPPORTED", {}),
    "mount-digest-nul": ("POST", "/v2/alice/app/blobs/uploads/?mount=%00", {}, b"", 400, "DIGEST_INVALID", {}),
    "mount-from-nul": ("POST", "/v2/alice/app/blobs/uploads/?mount={blob}&from=alice/a%00", {}, b"",
                       400, "NAME_INVALID", {}),
    "put-digest-nul": ("PUT", "{upload}?digest=%00", {}, b"", 400, "DIGEST_INVALID", {}),
    "parameter-name-nul": ("GET", "/v2/alice/app/tags/list?%00=1", {}, b"", 400, "UNSUPPORTED", {}),
}  # fmt: skip


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS)
def test_malformed_request(registry, pushed, row):
    method, path, headers, body, status, code, answer_headers = row
    values = {**pushed, "size": len(DATA)}
    path = path.format(**values)
    environ = {k: v for k, v in headers.items() if k.isupper() and "_" in k}
    headers = {k: v for k, v in headers.items() if k not in environ}
    scopes = ("repository:alice/app:pull,push,delete", "registry:catalog:*")
    response = registry.call(method, path, body, scopes=scopes, headers=headers, environ=environ)
    assert_error(response, status, code, {k: v.format(**values) for k, v in answer_headers.items()})


def test_a_bearer_token_holding_nul_is_unauthorized(client, pushed):
    response = client.get("/v2/alice/app/tags/list", HTTP_AUTHORIZATION="Bearer a\x00b")
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith('Bearer realm="')


@pytest.mark.parametrize(
    "header, start, end",
    [(f"bytes=0-{BIG}", 0, len(DATA) - 1), (f"bytes=-{BIG}", 0, len(DATA) - 1),
     (f"bytes=10-{PAST_INT64}", 10, len(DATA) - 1)],
    ids=["end-of-5000-digits", "suffix-of-5000-digits", "end-past-int64"],
)  # fmt: skip
def test_a_range_past_the_end_is_the_rest_of_the_blob(registry, pushed, header, start, end):
    response = registry.call("GET", f"/v2/alice/app/blobs/{pushed['blob']}", headers={"Range": header})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == DATA[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"


def test_rows_left_the_upload_as_it_was(registry, pushed):
    """A refused chunk is not stored: the upload still closes with the bytes it held."""
    for name in ("patch-content-range-of-5000-digits", "patch-content-range-superscript-digit"):
        method, path, headers, body, *_ = ROWS[name]
        registry.call(method, pushed["upload"], body, headers=headers)
    response = registry.call("PUT", f"{pushed['upload']}?digest={sha256(UPLOADED)}")
    assert response.status_code == 201


# Manifest validation is the OCI module's (images/oci/, tests/oci/ has the whole table): two rows here too.
def test_an_index_whose_platform_os_holds_nul_is_manifest_invalid(registry, pushed, client):
    client.raise_request_exception = False
    child = {"mediaType": OCI_MANIFEST, "digest": pushed["manifest"], "size": len(pushed["manifest_body"]),
             "platform": {"architecture": "amd64", "os": "\u0000"}}  # fmt: skip
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [child]}).encode()
    response = registry.call("PUT", "/v2/alice/app/manifests/multi", body, content_type=OCI_INDEX)
    assert_error(response, 400, "MANIFEST_INVALID")


def test_a_manifest_of_100000_nested_arrays_is_manifest_invalid(registry, pushed, client):
    client.raise_request_exception = False
    body = b"[" * 100_000 + b"]" * 100_000
    response = registry.call("PUT", "/v2/alice/app/manifests/deep", body, content_type=OCI_MANIFEST)
    assert_error(response, 400, "MANIFEST_INVALID")
