"""The Hub API's rate limit (hub/ratelimit.py counts; README, "Rate limits")."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from hub.ratelimit import client_ip, rate_parse, ratelimit_hit


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
