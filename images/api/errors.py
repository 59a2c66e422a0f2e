"""Every Hub API error body: `{"detail", "message"}` (DRF's key and Docker Hub's), plus `errinfo` with the
per-field messages of a validation error."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler


def _first_message(data) -> str:
    if isinstance(data, dict):
        for key, value in data.items():
            text = _first_message(value)
            return text if key in ("detail", "non_field_errors") else f"{key}: {text}"
        return "invalid input"
    if isinstance(data, list):
        return _first_message(data[0]) if data else "invalid input"
    return str(data)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "not found")
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    message = _first_message(data)
    body = {"detail": message, "message": message}
    if isinstance(exc, exceptions.ValidationError):
        body["errinfo"] = data if isinstance(data, dict) else {"non_field_errors": data}
    response.data = body
    return response
