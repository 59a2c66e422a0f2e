"""Every Hub API error body: `{"detail", "message"}` (DRF's key and Docker Hub's), plus `errinfo` with the
per-field messages of a validation error.

What services raise becomes its DRF answer here, once: Django's ValidationError a 400 (per field when it
has fields), PermissionDenied a 403 and Http404 a 404 (DRF's own mapping), the content domain's errors
(images/errors.py) a 404 for what is not there, a 401 for a bad registry token, a 400 for the rest."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler

from images import errors

NOT_THERE = (errors.NameUnknown, errors.BlobUnknown, errors.UploadUnknown, errors.ManifestUnknown)


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
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, NOT_THERE):
        exc = exceptions.NotFound(exc.message)
    elif isinstance(exc, errors.TokenInvalid):
        exc = exceptions.AuthenticationFailed(exc.message)
    elif isinstance(exc, errors.DomainError):
        exc = exceptions.ValidationError({"detail": [exc.message]})
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
