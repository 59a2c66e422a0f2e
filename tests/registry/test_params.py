"""The registry's readers of numbers and its NUL rule, as tables (images/registry/params.py)."""

import pytest
from django.http import QueryDict
from django.urls import get_resolver

from images.registry.errors import Code
from images.registry.params import DIGITS_MAX, HUGE, NUL_PATH_CODES, ascii_int, nul_refusal


@pytest.mark.parametrize(
    "raw, value",
    [
        ("0", 0),
        ("42", 42),
        ("000042", 42),
        ("0" * 5000 + "7", 7),  # leading zeros do not count towards the bound
        ("9" * DIGITS_MAX, 10**DIGITS_MAX - 1),
        ("1" + "0" * DIGITS_MAX, HUGE),
        ("9" * 5000, HUGE),  # int() would refuse it: more than 4,300 digits
        ("", None),
        (None, None),
        ("²", None),  # passes str.isdigit, int() refuses it
        ("٣", None),  # passes both; not what an HTTP header means by a digit
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1_000", None),  # int() reads it
        ("0x10", None),
    ],
)
def test_ascii_int(raw, value):
    assert ascii_int(raw) == value


@pytest.mark.parametrize(
    "path, query, code, status",
    [
        ({"name": "alice/a\x00"}, "", Code.NAME_INVALID, 400),
        ({"name": "alice/app", "reference": "\x00"}, "", Code.MANIFEST_UNKNOWN, 404),
        ({"name": "alice/app", "digest": "sha256:\x00"}, "", Code.DIGEST_INVALID, 400),
        ({"name": "alice/app", "upload_id": "\x00"}, "", Code.BLOB_UPLOAD_UNKNOWN, 404),
        ({"name": "alice/app", "future": "\x00"}, "", Code.UNSUPPORTED, 400),
        ({}, "n=%00", Code.PAGINATION_NUMBER_INVALID, 400),
        ({}, "last=a%00", Code.PAGINATION_NUMBER_INVALID, 400),
        ({}, "mount=%00", Code.DIGEST_INVALID, 400),
        ({}, "digest=%00", Code.DIGEST_INVALID, 400),
        ({}, "from=a%00", Code.NAME_INVALID, 400),
        ({}, "artifactType=%00", Code.UNSUPPORTED, 400),
        ({}, "n=1&last=a&last=b%00", Code.PAGINATION_NUMBER_INVALID, 400),  # any value of a repeated parameter
        ({}, "%00=1", Code.UNSUPPORTED, 400),
    ],
)
def test_nul_refusal(path, query, code, status):
    error = nul_refusal(path, QueryDict(query))
    assert (error.code, error.status) == (code, status)
    assert "NUL" in error.message and "\x00" not in str(error.detail)


def test_nothing_to_refuse():
    assert nul_refusal({"name": "alice/app", "reference": "v1"}, QueryDict("n=10&last=v1")) is None


def test_every_registry_route_parameter_has_its_code():
    parameters = {p for pattern in get_resolver("images.registry.urls").url_patterns
                  for p in getattr(pattern.pattern, "converters", {})}  # fmt: skip
    assert parameters == set(NUL_PATH_CODES)
