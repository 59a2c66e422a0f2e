"""Registry bearer tokens (Docker token authentication): scopes in, signed grants out.

Tokens are HS256 JWTs signed with a key derived from SECRET_KEY, so every web process can check
one with no database query: the `/v2/` hot path only decodes and looks up the repository name.
"""

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from functools import cache

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model

from hub.accounts.models import AccessToken
from hub.accounts.services import PASSWORD_ACTIONS, SCOPE_ACTIONS, access_token_valid
from images.errors import NameInvalid, TokenInvalid
from images.services.authorization import REGISTRY_ACTIONS, OrganizationAgent, registry_actions
from images.services.organizations import org_token_refresh_check
from images.services.repositories import repository_get, repository_name_split

ACCESS_TTL = 900
REFRESH_TTL = 30 * 24 * 3600
CATALOG = ("registry", "catalog")


@dataclass(frozen=True)
class Scope:
    type: str
    name: str
    actions: frozenset[str]


@cache
def _key(purpose: str, secret: str) -> bytes:
    return hmac.new(secret.encode(), f"hub.registry.{purpose}".encode(), hashlib.sha256).digest()


def signing_key(purpose: str = "access") -> bytes:
    return _key(purpose, settings.SECRET_KEY)


def scope_parse(values: list[str]) -> list[Scope]:
    """`repository:alice/app:pull,push` (several per value, space separated, as the OAuth form sends them).

    Malformed scopes are ignored: the token simply does not grant them.
    """
    scopes = []
    for value in values:
        for item in value.split():
            kind, _, rest = item.partition(":")
            name, _, actions = rest.rpartition(":")
            kind = kind.split("(")[0]  # "repository(plugin)" is a repository
            if not kind or not name or not actions:
                continue
            wanted = frozenset(a for a in actions.split(",") if a)
            if "*" in wanted:
                wanted = (wanted - {"*"}) | REGISTRY_ACTIONS
            scopes.append(Scope(kind, name, wanted))
    return scopes


def access_grant(*, user, scopes: list[Scope], allowed: frozenset[str]) -> list[dict]:
    """The intersection of what was asked, what the credentials allow and what the user may do."""
    granted = []
    for scope in scopes:
        if (scope.type, scope.name) == CATALOG:
            granted.append({"type": "registry", "name": "catalog", "actions": ["*"]})
            continue
        if scope.type != "repository":
            continue
        try:
            namespace_name, name = repository_name_split(scope.name)
        except NameInvalid:
            continue
        permitted = registry_actions(user, repository_get(namespace_name, name), namespace_name=namespace_name)
        actions = sorted(scope.actions & permitted & allowed)
        if actions:
            granted.append({"type": "repository", "name": scope.name, "actions": actions})
    return granted


def token_issue(*, user, access: list[dict]) -> dict:
    now = int(time.time())
    claims = {
        "iss": settings.HUB_REGISTRY_SERVICE,
        "aud": settings.HUB_REGISTRY_SERVICE,
        "sub": user.username if user is not None else "",
        "uid": user.pk if user is not None else None,
        "iat": now,
        "nbf": now - 10,
        "exp": now + ACCESS_TTL,
        "jti": uuid.uuid4().hex,
        "access": access,
    }
    if isinstance(user, OrganizationAgent):  # `docker login -u ORG` with an organization access token
        claims.update({"org": user.namespace_id, "oat": user.token_id})
    token = jwt.encode(claims, signing_key(), algorithm="HS256")
    issued = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    return {"token": token, "access_token": token, "expires_in": ACCESS_TTL, "issued_at": issued}


# Verified claims by token. A pure function's memo, not state: a token is immutable and its expiry
# is checked on every hit. PyJWT spends ~0.2 ms a decode, more than the rest of a manifest GET.
_VERIFIED: dict[str, dict] = {}
_VERIFIED_MAX = 4096


def token_decode(token: str) -> dict:
    """The claims of a registry token, or TokenInvalid."""
    claims = _VERIFIED.get(token)
    if claims is not None and claims["exp"] > time.time():
        return claims
    try:
        claims = jwt.decode(
            token, signing_key(), algorithms=["HS256"], audience=settings.HUB_REGISTRY_SERVICE, leeway=30
        )
    except jwt.PyJWTError as exc:
        raise TokenInvalid(reason=str(exc)) from None
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[token] = claims
    return claims


def token_principal(claims: dict | None):
    """Who a registry token speaks for: the active user, the OrganizationAgent of an organization
    token, or None (anonymous). For listings such as /v2/_catalog that filter with the permission rules."""
    if not claims:
        return None
    if claims.get("org") is not None:
        return OrganizationAgent(namespace_id=claims["org"], username=claims.get("sub", ""), token_id=claims.get("oat"))
    uid = claims.get("uid")
    return get_user_model().objects.filter(pk=uid, is_active=True).first() if uid is not None else None


def token_allows(claims: dict, type_: str, name: str, action: str) -> bool:
    for entry in claims.get("access") or ():
        if entry.get("type") == type_ and entry.get("name") == name:
            actions = entry.get("actions") or ()
            if action in actions or "*" in actions:
                return True
    return False


def refresh_token_issue(*, user, access_token_id: int | None) -> str:
    """A long-lived token for `offline_token=true` / `access_type=offline`; a PAT's revocation ends it.

    For an organization access token (`user` is its OrganizationAgent), the token's revocation ends it.
    """
    now = int(time.time())
    if isinstance(user, OrganizationAgent):
        claims = {"sub": user.username, "uid": None, "oat": user.token_id, "iat": now, "exp": now + REFRESH_TTL}
        return jwt.encode(claims, signing_key("refresh"), algorithm="HS256")
    claims = {"sub": user.username, "uid": user.pk, "pat": access_token_id, "iat": now, "exp": now + REFRESH_TTL}
    return jwt.encode(claims, signing_key("refresh"), algorithm="HS256")


def refresh_token_check(token: str):
    """(user, allowed actions) for a refresh token, or None when it is invalid, expired or revoked."""
    try:
        claims = jwt.decode(token, signing_key("refresh"), algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if claims.get("oat") is not None:
        return org_token_refresh_check(claims["oat"])
    user = get_user_model().objects.filter(pk=claims.get("uid"), is_active=True).first()
    if user is None:
        return None
    if claims.get("pat") is None:
        return user, PASSWORD_ACTIONS
    pat = AccessToken.objects.select_related("user").filter(pk=claims["pat"], user=user).first()
    if not access_token_valid(pat):
        return None
    return user, SCOPE_ACTIONS[pat.scope]
