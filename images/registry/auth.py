"""Docker token authentication: the Bearer challenge, reading a request's token, and `/token`."""

import base64
import binascii

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from images.errors import TokenInvalid
from images.registry.errors import Code, RegistryError, error_response, registry_error
from images.services.organizations import registry_credentials_check
from images.services.tokens import (
    access_grant,
    refresh_token_check,
    refresh_token_issue,
    scope_parse,
    token_decode,
    token_issue,
)

ANONYMOUS_ACTIONS = frozenset({"pull"})


def challenge(scope: str | None = None, *, error: str | None = None) -> str:
    value = f'Bearer realm="{settings.PUBLIC_URL}/token",service="{settings.HUB_REGISTRY_SERVICE}"'
    if scope:
        value += f',scope="{scope}"'
    if error:
        value += f',error="{error}"'
    return value


def unauthorized(scope: str | None = None, *, claims: dict | None = None) -> RegistryError:
    """No token, or an anonymous one: 401 with the challenge. A signed-in token that lacks the action:
    403 DENIED with error="insufficient_scope" (RFC 6750, 3.1), which clients such as oras take as
    the cue to fetch a token for the scope in the challenge."""
    detail = None
    if scope:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        detail = [{"Type": kind, "Name": name, "Action": actions}]
    if claims is not None and claims.get("sub"):
        return RegistryError(
            Code.DENIED, detail, headers={"WWW-Authenticate": challenge(scope, error="insufficient_scope")}
        )
    return RegistryError(Code.UNAUTHORIZED, detail, headers={"WWW-Authenticate": challenge(scope)})


def request_claims(request) -> dict | None:
    """The claims of the request's Bearer token; None without one. A bad token is UNAUTHORIZED."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header[:7].lower() == "bearer ":
        return None
    try:
        return token_decode(header[7:].strip())
    except TokenInvalid as invalid:
        error = registry_error(invalid)
        error.headers["WWW-Authenticate"] = challenge(error="invalid_token")
        raise error from None


def _basic_credentials(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header[:6].lower() == "basic ":
        return None
    try:
        username, _, password = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ("", "")
    return username, password


def _credentials_check(username: str, password: str):
    """registry_credentials_check, except that credentials holding a NUL are wrong without a look-up:
    no account or token holds one, and PostgreSQL refuses one in a query."""
    if "\x00" in username or "\x00" in password:
        return None
    return registry_credentials_check(username=username, password=password)


def _denied(oauth: bool) -> HttpResponse:
    if oauth:
        return JsonResponse({"error": "invalid_grant", "error_description": "invalid credentials"}, status=401)
    headers = {"WWW-Authenticate": 'Basic realm="Hub"'}
    return error_response(RegistryError(Code.UNAUTHORIZED, message="invalid username or password", headers=headers))


def _granted(user, access, *, refresh: str | None) -> JsonResponse:
    body = token_issue(user=user, access=access)
    body["scope"] = " ".join(f"{a['type']}:{a['name']}:{','.join(a['actions'])}" for a in access)
    if refresh:
        body["refresh_token"] = refresh
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def token_view(request):
    """GET (Basic credentials, `scope`, `offline_token`) and the OAuth2 POST form (password, refresh_token)."""
    if request.method == "GET":
        scopes = scope_parse(request.GET.getlist("scope"))
        credentials = _basic_credentials(request)
        user, allowed, pat = None, ANONYMOUS_ACTIONS, None
        if credentials is not None:
            result = _credentials_check(*credentials)
            if result is None:
                return _denied(oauth=False)
            user, allowed, pat = result
        offline = request.GET.get("offline_token", "").lower() == "true" and user is not None
        refresh = refresh_token_issue(user=user, access_token_id=pat.pk if pat else None) if offline else None
        return _granted(user, access_grant(user=user, scopes=scopes, allowed=allowed), refresh=refresh)

    if request.method == "POST":
        form = request.POST
        scopes = scope_parse(form.getlist("scope"))
        grant_type = form.get("grant_type", "")
        if grant_type == "password":
            result = _credentials_check(form.get("username", ""), form.get("password", ""))
            if result is None:
                return _denied(oauth=True)
            user, allowed, pat = result
            offline = form.get("access_type", "") == "offline"
            refresh = refresh_token_issue(user=user, access_token_id=pat.pk if pat else None) if offline else None
        elif grant_type == "refresh_token":
            refresh = form.get("refresh_token", "")
            result = refresh_token_check(refresh)
            if result is None:
                return _denied(oauth=True)
            user, allowed = result
        else:
            return JsonResponse({"error": "unsupported_grant_type"}, status=400)
        return _granted(user, access_grant(user=user, scopes=scopes, allowed=allowed), refresh=refresh)

    response = JsonResponse({"error": "method not allowed"}, status=405)
    response["Allow"] = "GET, POST"
    return response
