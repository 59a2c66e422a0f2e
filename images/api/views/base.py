"""What every Hub API view shares: authentication, throttling, the error body, repository access."""

import re

from django.conf import settings
from rest_framework import exceptions, parsers, renderers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.ratelimit import ratelimit_headers
from images.api.auth import AUTHENTICATION_CLASSES, credential_of
from images.api.errors import api_exception_handler
from images.api.pagination import HubPagination
from images.api.parsers import JSONParser
from images.api.throttling import HubRateThrottle
from images.models import Repository
from images.services.authorization import ADMINISTER, DELETE, EDIT_LISTING, PULL, PUSH, SCOPE_NEEDS, repository_actions
from images.services.repositories import repository_get

__all__ = [
    "ADMINISTER",
    "DELETE",
    "EDIT_LISTING",
    "PULL",
    "PUSH",
    "ApiView",
    "found",
    "object_id",
    "repository_for",
    "require_write",
]

OBJECT_ID_RE = re.compile(r"[0-9]{1,18}")


class JsonOnly(DefaultContentNegotiation):
    """Always JSON. It also frees `?format=` (DRF's renderer override) for the SBOM endpoint's own use."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(APIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [AllowAny]  # each handler asks images.services.authorization itself
    throttle_classes = [HubRateThrottle]
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = JsonOnly
    parser_classes = [JSONParser, parsers.FormParser, parsers.MultiPartParser]

    def get_exception_handler(self):
        return api_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        usage = getattr(request._request if hasattr(request, "_request") else request, "hub_ratelimit", None)
        if usage is not None:
            for name, value in ratelimit_headers(usage).items():
                response[name] = value
        return response

    def absolute(self, path: str) -> str:
        return f"{settings.PUBLIC_URL}{path}"

    def page(self, request, rows, serializer, shape) -> Response:
        """One page of `rows` (a queryset or a list) as Docker Hub's {count, next, previous, results};
        `shape` turns the page's rows into the dicts `serializer` reads."""
        paginator = HubPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(serializer(shape(list(page)), many=True).data)

    @staticmethod
    def body(request, serializer) -> dict:
        """The request body as `serializer` validates it (a 400 naming each bad field otherwise)."""
        form = serializer(data=request.data)
        form.is_valid(raise_exception=True)
        return form.validated_data


def found(value, message: str):
    """`value`, or a 404 saying `message` when there is none (or the caller may not know of it)."""
    if value is None:
        raise exceptions.NotFound(message)
    return value


def require_write(request, action: str, permitted: frozenset[str]) -> None:
    """The caller may take `action`: signed in, allowed by the rules (`permitted`, from
    images.services.authorization) and by the credential's scope (SCOPE_NEEDS says which it needs)."""
    credential = credential_of(request)
    if credential is None:
        raise exceptions.NotAuthenticated("sign in, or send a token: Authorization: Bearer <token>")
    if action not in permitted:
        raise exceptions.PermissionDenied(f"you may not do this to this repository ({action})")
    if SCOPE_NEEDS[action] not in credential.allowed:
        raise exceptions.PermissionDenied(f"this token's scope does not allow {SCOPE_NEEDS[action]}")


def repository_for(request, namespace: str, name: str, action: str = PULL) -> tuple[Repository, frozenset[str]]:
    """The repository and what the caller may do with it; 404 when they may not even read it (so a
    private repository and a missing one look alike), 401/403 when they may read but not `action`."""
    repository = repository_get(namespace, name)
    permitted = repository_actions(request.user, repository) if repository is not None else frozenset()
    if PULL not in permitted:
        raise exceptions.NotFound(f"repository {namespace}/{name} not found")
    if action != PULL:
        require_write(request, action, permitted)
    return repository, permitted


def object_id(raw: str) -> int | None:
    """The primary key a path segment spells: ASCII digits within a bigint. None names nothing (a 404);
    routes take ids as text, so a malformed one is its own endpoint's 404, not another route's 405."""
    return int(raw) if OBJECT_ID_RE.fullmatch(raw) else None
