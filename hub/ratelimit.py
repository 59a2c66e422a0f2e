"""Fixed-window rate limits (the Hub API's throttle, images/api/throttling.py, and the registry's
middleware, images/registry/ratelimit.py, count here), kept in Django's cache (Redis when REDIS_URL is
set, the file cache otherwise).

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

import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

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
