"""Who is calling the Hub API, and with what rights.

Credentials, checked in this order:
  Authorization: Bearer <jwt> / JWT <jwt>   the token POST /v2/users/login returns (as Docker Hub's)
  Authorization: Bearer hub_pat_...         a personal access token as it is
  Authorization: Bearer <registry token>    what /token issues (docker's identity-token search flow)
  Authorization: Basic user:password|PAT    what `docker search` sends when logged in without a token
  the browser session                       with CSRF on unsafe methods (DRF's SessionAuthentication)
`request.auth` is an ApiCredential: the registry actions the credential allows (a PAT's scope, all
for a password), intersected everywhere with what images.services.authorization grants the user.
"""

import base64
import binascii
import time
import uuid
from dataclasses import dataclass

import jwt
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from hub.accounts.models import AccessToken
from hub.accounts.selectors import access_token_get, access_token_of, user_active_get
from hub.accounts.services import PASSWORD_ACTIONS, SCOPE_ACTIONS, access_token_valid, credentials_check
from hub.accounts.tokens import TOKEN_PREFIX
from images.errors import TokenInvalid
from images.services.tokens import signing_key, token_decode

LOGIN_TTL = 24 * 3600
ISSUER = "hub-api"


@dataclass(frozen=True)
class ApiCredential:
    allowed: frozenset[str]
    # The personal access token behind it (None for a password, a session or a password login JWT):
    # tokens may not manage tokens, as on Docker Hub.
    pat_id: int | None = None
    kind: str = "session"


SESSION_CREDENTIAL = ApiCredential(PASSWORD_ACTIONS)


def login_token_issue(*, user, pat: AccessToken | None) -> str:
    """The JWT of POST /v2/users/login: who, and which token (if any) it stands for."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": user.username,
        "uid": user.pk,
        "pat": pat.pk if pat is not None else None,
        "iat": now,
        "exp": now + LOGIN_TTL,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, signing_key("api"), algorithm="HS256")


def _active_user(uid):
    return user_active_get(user_id=uid)


def _pat_user(pat_id: int, user):
    pat = access_token_of(user=user, token_id=pat_id)
    return pat if access_token_valid(pat) else None


def bearer_credentials(raw: str):
    """(user, ApiCredential) for a bearer value; AuthenticationFailed when it is not a valid one."""
    if raw.startswith(TOKEN_PREFIX):
        pat = access_token_get(secret=raw)
        if not access_token_valid(pat):
            raise exceptions.AuthenticationFailed("invalid or revoked access token")
        return pat.user, ApiCredential(SCOPE_ACTIONS[pat.scope], pat.pk, "pat")
    try:
        claims = jwt.decode(raw, signing_key("api"), algorithms=["HS256"], issuer=ISSUER)
    except jwt.PyJWTError:
        claims = None
    if claims is not None:
        user = _active_user(claims.get("uid"))
        if user is None:
            raise exceptions.AuthenticationFailed("the account of this token is gone or disabled")
        if claims.get("pat") is None:
            return user, ApiCredential(PASSWORD_ACTIONS, None, "jwt")
        pat = _pat_user(claims["pat"], user)
        if pat is None:
            raise exceptions.AuthenticationFailed("the access token behind this login was revoked")
        return user, ApiCredential(SCOPE_ACTIONS[pat.scope], pat.pk, "jwt")
    try:
        registry_claims = token_decode(raw)
    except TokenInvalid:
        raise exceptions.AuthenticationFailed("invalid or expired token") from None
    user = _active_user(registry_claims.get("uid")) if registry_claims.get("uid") is not None else None
    if user is None:
        return None  # an anonymous registry token: anonymous here too
    # A registry token is for the registry: it identifies the caller (to search what they may see)
    # and allows reads only.
    return user, ApiCredential(frozenset({"pull"}), None, "registry")


class BearerAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "jwt")

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, value = header.partition(" ")
        if keyword.lower() not in self.keywords:
            return None
        value = value.strip()
        if not value:
            raise exceptions.AuthenticationFailed("no token after the Bearer keyword")
        return bearer_credentials(value)

    def authenticate_header(self, request):
        return 'Bearer realm="hub-api"'


class BasicAuthentication(authentication.BaseAuthentication):
    """username:password or username:hub_pat_..., the credentials `docker login` stores."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:6].lower() != "basic ":
            return None
        try:
            username, sep, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise exceptions.AuthenticationFailed("malformed Basic credentials") from None
        if not sep:
            raise exceptions.AuthenticationFailed("malformed Basic credentials")
        # No account or token holds a NUL, and PostgreSQL refuses one in the look-up.
        has_nul = "\x00" in username or "\x00" in password
        result = None if has_nul else credentials_check(username=username, password=password)
        if result is None:
            raise exceptions.AuthenticationFailed("incorrect username or password")
        user, allowed, pat = result
        return user, ApiCredential(allowed, pat.pk if pat else None, "basic")


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        return result[0], SESSION_CREDENTIAL


AUTHENTICATION_CLASSES = [BearerAuthentication, BasicAuthentication, SessionAuthentication]


def credential_of(request) -> ApiCredential | None:
    user = request.user
    if user is None or not user.is_authenticated:
        return None
    return request.auth if isinstance(request.auth, ApiCredential) else SESSION_CREDENTIAL


# --- OpenAPI -----------------------------------------------------------------------------------------


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "images.api.auth.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token of POST /v2/users/login, or a personal access token (hub_pat_...).",
        }


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "images.api.auth.BasicAuthentication"
    name = "basic"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "images.api.auth.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
