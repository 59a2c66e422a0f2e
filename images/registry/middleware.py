"""A short way in for `/v2/` and `/token`.

Registry clients send no cookies and no forms, so sessions, messages, CSRF, clickjacking and
htmx middleware would only cost time on the busiest paths Hub has. This middleware sits first in
settings.MIDDLEWARE and calls the registry view directly; every other path goes down the chain.
"""

from django.urls import resolve

from hub.accounts.names import API_PATH_NAMES
from images.registry.auth import token_view


class RegistryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        # /v2/repositories/, /v2/users/ ... are the Hub API (sessions, CSRF): they take the full chain.
        registry = path.startswith("/v2/") and path[4:].split("/", 1)[0] not in API_PATH_NAMES
        if registry:
            # Resolved against the registry's own routes: the rest of the site's are not tried first.
            match = resolve(path[3:], urlconf="images.registry.urls")
            request.resolver_match = match
            return match.func(request, *match.args, **match.kwargs)
        if path == "/token":
            return token_view(request)
        return self.get_response(request)
