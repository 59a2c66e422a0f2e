"""The API's one reader of query parameters (images/api/query.py) and its one translation of what services
raise into DRF answers (images/api/errors.py). Pure functions: no database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from images import errors
from images.api.errors import api_exception_handler
from images.api.query import query_choice, query_flag, query_int, query_list, query_text


def _request(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/v2/x/?{query}"))


@pytest.mark.parametrize(
    "query, expected",
    [("", 7), ("n=", 7), ("n=1", 1), ("n=100", 100), ("n=-0", 0)],
)
def test_query_int_reads_ascii_whole_numbers_in_range(query, expected):
    assert query_int(_request(query), "n", 7, 0, 100) == expected


@pytest.mark.parametrize(
    "raw",
    ["%C2%B2", "%D9%A1%D9%A2", "101", "-1", "1.5", "+1", "%201", "one", "9" * 5000],
)
def test_query_int_refuses_what_is_not_a_number_in_range(raw):
    with pytest.raises(ValidationError) as caught:
        query_int(_request(f"n={raw}"), "n", 7, 0, 100)
    assert caught.value.detail == {"n": ["a whole number from 0 to 100"]}


def test_query_choice_flag_text_and_list():
    request = _request("sort=stars&on=TRUE&off=0&q=%20%20nginx%20&tags=a,b&tags=b,c")
    assert query_choice(request, "sort", ("best", "stars"), "best") == "stars"
    assert query_choice(request, "missing", ("best", "stars"), "best") == "best"
    with pytest.raises(ValidationError) as caught:
        query_choice(request, "sort", ("best", "pulls"))
    assert caught.value.detail == {"sort": ["one of best, pulls"]}
    assert (query_flag(request, "on"), query_flag(request, "off"), query_flag(request, "missing")) == (
        True,
        False,
        None,
    )
    with pytest.raises(ValidationError):
        query_flag(_request("on=yes"), "on")
    assert query_text(request, "query", "q", limit=3) == "ngi"
    assert query_list(request, "tags") == ("a", "b", "c")
    with pytest.raises(ValidationError) as caught:
        query_list(request, "tags", allowed=("a", "b"))
    assert caught.value.detail == {"tags": ["unknown value 'c'; one of a, b"]}


@pytest.mark.parametrize(
    "exc, status, detail",
    [
        (errors.ManifestUnknown(), 404, "manifest unknown to registry"),
        (errors.NameUnknown("no such repository"), 404, "no such repository"),
        (errors.TokenInvalid(), 401, "authentication required"),
        (errors.NameInvalid(), 400, "invalid repository name"),
        (
            errors.ManifestInvalid("manifest is nested deeper than 64 levels"),
            400,
            "manifest is nested deeper than 64 levels",
        ),
        (DjangoValidationError({"url": ["not a URL"]}), 400, "url: not a URL"),
        (DjangoValidationError("plain"), 400, "plain"),
        (PermissionDenied("only owners"), 403, "only owners"),
    ],
)
def test_what_services_raise_becomes_one_api_answer(exc, status, detail):
    response = api_exception_handler(exc, {})
    assert response.status_code == status
    assert response.data["detail"] == response.data["message"] == detail


def test_a_field_error_from_a_service_names_its_field():
    response = api_exception_handler(DjangoValidationError({"url": ["not a URL"]}), {})
    assert response.data["errinfo"] == {"url": ["not a URL"]}
