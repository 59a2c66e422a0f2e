"""Rate limits of /token and anonymous manifest GETs (hub/ratelimit.py counts; README, "Rate limits")."""

import re

from django.conf import settings
from django.http import HttpResponse

from hub.ratelimit import Usage, client_ip, rate_parse, ratelimit_headers, ratelimit_hit
from images.errors import TokenInvalid
from images.registry.errors import Code, RegistryError, error_response
from images.services.tokens import token_decode

_MANIFEST_RE = re.compile(r"^/v2/.+/manifests/[^/]+$")


def _anonymous(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return True
    if header[:7].lower() != "bearer ":
        return False
    try:
        return not token_decode(header[7:].strip()).get("sub")
    except TokenInvalid:
        return False  # the registry answers 401 for a bad token; that is not a pull


def _too_many(usage: Usage, message: str) -> HttpResponse:
    response = error_response(RegistryError(Code.TOOMANYREQUESTS, {"retry_after": usage.reset}, message=message))
    response["Docker-Distribution-API-Version"] = "registry/2.0"
    return response


class RegistryRateLimitMiddleware:
    """Limits /token and anonymous manifest GETs; sits before the registry's own short way in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        usage = None
        if path == "/token":
            rate = rate_parse(settings.HUB_RATELIMIT_TOKEN)
            if rate is not None:
                usage = ratelimit_hit("token", client_ip(request), rate)
                message = "too many token requests"
        elif request.method == "GET" and _MANIFEST_RE.match(path):
            rate = rate_parse(settings.HUB_RATELIMIT_PULL_ANON)
            if rate is not None and _anonymous(request):
                usage = ratelimit_hit("pull-anon", client_ip(request), rate)
                message = "anonymous pull rate limit reached: sign in (docker login) or wait"
        if usage is None:
            return self.get_response(request)
        response = self.get_response(request) if usage.allowed else _too_many(usage, message)
        for name, value in ratelimit_headers(usage).items():
            response[name] = value
        return response
