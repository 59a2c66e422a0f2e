"""Fixed-window rate limits kept in Django's cache (Redis when REDIS_URL is set, the file cache otherwise).

Three limits, each "<requests>/<period>" in settings (README, "Rate limits"), "" or "0" for none:
  HUB_RATELIMIT_API_ANON / HUB_RATELIMIT_API_USER   Hub API v2 and /v1/search, per client IP / per user
  HUB_RATELIMIT_TOKEN                               /token, per client IP
  HUB_RATELIMIT_PULL_ANON                           GET /v2/<name>/manifests/<ref> without a signed-in
                                                    token, per client IP (what Docker Hub counts as a pull)
Every limited response carries the state in the headers Docker Hub and the IETF draft use
(`RateLimit-Limit: 100;w=21600`, `RateLimit-Remaining`, `RateLimit-Reset`, `RateLimit`,
`X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`) and a 429 adds `Retry-After`.

A fixed window (one counter per client per period) costs one cache add and one incr a request, and
the counter expires with its window, so nothing needs cleaning up.
"""

import json
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.throttling import BaseThrottle

_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]*)\s*$")
_UNITS = {"": 1, "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_UNITS |= {"d": 86400, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


@dataclass(frozen=True)
class Usage:
    rate: Rate
    count: int
    reset: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.rate.limit

    @property
    def remaining(self) -> int:
        return max(0, self.rate.limit - self.count)


def rate_parse(text: str | None) -> Rate | None:
    """ "100/6h", "60/minute", "10/30" (seconds), "5/s"; None for "", "0" or anything unparsable."""
    match = _RATE_RE.match((text or "").lower())
    if not match:
        return None
    limit, multiplier, unit = int(match[1]), int(match[2] or 1), _UNITS.get(match[3].rstrip("s") or match[3])
    if unit is None or limit <= 0 or multiplier <= 0:
        return None
    return Rate(limit, multiplier * unit)


def ratelimit_hit(scope: str, ident: str, rate: Rate) -> Usage:
    """Count one request of `ident` against `rate` and return where it stands."""
    now = time.time()
    window = int(now // rate.period)
    key = f"{settings.HUB_RATELIMIT_KEY_PREFIX}:{scope}:{ident}:{rate.period}:{window}"
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr (or culled by the file cache)
        cache.set(key, 1, timeout=rate.period + 1)
        count = 1
    reset = max(1, math.ceil((window + 1) * rate.period - now))
    return Usage(rate, count, reset)


def ratelimit_headers(usage: Usage) -> dict[str, str]:
    rate = usage.rate
    headers = {
        "RateLimit-Limit": f"{rate.limit};w={rate.period}",
        "RateLimit-Remaining": f"{usage.remaining};w={rate.period}",
        "RateLimit-Reset": str(usage.reset),
        "RateLimit": f"limit={rate.limit}, remaining={usage.remaining}, reset={usage.reset}",
        "RateLimit-Policy": f"{rate.limit};w={rate.period}",
        "X-RateLimit-Limit": str(rate.limit),
        "X-RateLimit-Remaining": str(usage.remaining),
        "X-RateLimit-Reset": str(int(time.time()) + usage.reset),
    }
    if not usage.allowed:
        headers["Retry-After"] = str(usage.reset)
    return headers


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address HUB_RATELIMIT_PROXIES trusted proxies in front put into X-Forwarded-For."""
    proxies = settings.HUB_RATELIMIT_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# --- the Hub API (DRF) ------------------------------------------------------------------------------


class HubRateThrottle(BaseThrottle):
    """Per user when signed in, per client IP otherwise; leaves the usage on the request for the headers."""

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            rate, scope, ident = rate_parse(settings.HUB_RATELIMIT_API_USER), "api-user", str(user.pk)
        else:
            rate, scope, ident = rate_parse(settings.HUB_RATELIMIT_API_ANON), "api-anon", client_ip(request)
        if rate is None:
            return True
        self.usage = ratelimit_hit(scope, ident, rate)
        request._request.hub_ratelimit = self.usage
        return self.usage.allowed

    def wait(self) -> float | None:
        return self.usage.reset


# --- /token and anonymous pulls (ahead of the registry) ---------------------------------------------

_MANIFEST_RE = re.compile(r"^/v2/.+/manifests/[^/]+$")


def _anonymous(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return True
    if header[:7].lower() != "bearer ":
        return False
    from images.registry.errors import RegistryError
    from images.services.tokens import token_decode

    try:
        return not token_decode(header[7:].strip()).get("sub")
    except RegistryError:
        return False  # the registry answers 401 for a bad token; that is not a pull


def _too_many(usage: Usage, message: str) -> HttpResponse:
    body = {"errors": [{"code": "TOOMANYREQUESTS", "message": message, "detail": {"retry_after": usage.reset}}]}
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
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
