"""Login (a JWT, as Docker Hub's /v2/users/login), users, stars, personal access tokens."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from hub.accounts.models import AccessToken
from hub.accounts.selectors import (
    access_token_active_count,
    access_token_of,
    access_tokens_newest_first,
    user_by_name,
)
from hub.accounts.services import access_token_create, access_token_revoke, credentials_check
from images.api.auth import credential_of, login_token_issue
from images.api.parameters import PAGE
from images.api.schema import BAD_OR_MISSING, BAD_OR_UNSIGNED, ERRORS, MISSING, operation
from images.api.serializers.common import paginated
from images.api.serializers.content import RepositorySerializer
from images.api.serializers.people import (
    SCOPE_NAMES,
    TOKEN_SCOPES,
    AccessTokenCreateSerializer,
    AccessTokenSerializer,
    AccessTokenUpdateSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    PaginatedAccessTokenListSerializer,
    StarSerializer,
    UserSerializer,
)
from images.api.views.base import PUSH, ApiView, found, object_id, repository_for
from images.api.views.repositories import repository_data
from images.selectors.repositories import repository_is_starred, starred_repository_list
from images.services.stars import star_create, star_delete


@extend_schema(tags=["auth"])
class LoginView(ApiView):
    # Credentials in the body are the point; whatever else the request carries is ignored.
    authentication_classes = []

    def get_authenticate_header(self, request):
        return 'Bearer realm="hub-api"'  # so wrong credentials are a 401, as on Docker Hub

    @operation("login", LoginResponseSerializer, BAD_OR_UNSIGNED, request=LoginSerializer, auth=[])
    def post(self, request):
        """Exchange a username and password (or personal access token) for a JWT."""
        body = self.body(request, LoginSerializer)
        result = credentials_check(username=body["username"], password=body["password"])
        if result is None:
            raise exceptions.AuthenticationFailed("incorrect username or password")
        user, _, pat = result
        return Response(LoginResponseSerializer({"token": login_token_issue(user=user, pat=pat)}).data)


def user_data(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.display_name or user.get_full_name(),
        "location": "",
        "company": "",
        "profile_url": user.url,
        "date_joined": user.date_joined,
        "gravatar_url": "",
        "type": "User",
    }


def _user_or_404(username: str):
    return found(user_by_name(username=username, active_only=True), f"user {username[:150]} not found")


@extend_schema(tags=["users"])
class UserDetailView(ApiView):
    @operation("user_get", UserSerializer, MISSING)
    def get(self, request, username: str):
        """A user's public profile."""
        return Response(UserSerializer(user_data(_user_or_404(username))).data)


@extend_schema(tags=["users"])
class UserStarredView(ApiView):
    @operation("user_starred", paginated(RepositorySerializer), BAD_OR_MISSING, parameters=PAGE)
    def get(self, request, username: str):
        """Repositories a user starred (the ones you may see)."""
        repositories = starred_repository_list(user=request.user, starred_by=_user_or_404(username))
        return self.page(request, repositories, RepositorySerializer, lambda page: [repository_data(r) for r in page])


@extend_schema(tags=["stars"])
class StarView(ApiView):
    def _answer(self, request, repository, code=status.HTTP_200_OK) -> Response:
        repository.refresh_from_db(fields=["star_count"])
        starred = repository_is_starred(user=request.user, repository=repository)
        return Response(StarSerializer({"star_count": repository.star_count, "has_starred": starred}).data, status=code)

    @operation("star_get", StarSerializer, MISSING)
    def get(self, request, namespace: str, name: str):
        """The repository's stars, and whether you starred it."""
        repository, _ = repository_for(request, namespace, name)
        return self._answer(request, repository)

    @operation("star_create", {200: StarSerializer, 201: StarSerializer}, ERRORS, request=None)
    def post(self, request, namespace: str, name: str):
        """Star the repository."""
        repository, _ = repository_for(request, namespace, name)
        self._signed_in_writer(request)
        created = star_create(user=request.user, repository=repository)
        return self._answer(request, repository, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @operation("star_delete", StarSerializer, ERRORS, request=None)
    def delete(self, request, namespace: str, name: str):
        """Remove your star."""
        repository, _ = repository_for(request, namespace, name)
        self._signed_in_writer(request)
        star_delete(user=request.user, repository=repository)
        return self._answer(request, repository)

    @staticmethod
    def _signed_in_writer(request) -> None:
        # Starring changes the caller's account, so a read-only token may not.
        credential = credential_of(request)
        if credential is None:
            raise exceptions.NotAuthenticated("sign in, or send a token: Authorization: Bearer <token>")
        if PUSH not in credential.allowed:
            raise exceptions.PermissionDenied("this token's scope is read-only")


# --- access tokens ------------------------------------------------------------------------------------


def token_data(token: AccessToken, clear: str = "") -> dict:
    active = token.revoked_at is None and (token.expires_at is None or token.expires_at > timezone.now())
    return {
        "uuid": str(token.pk),
        "client_id": "hub",
        "creator_ip": "",
        "creator_ua": "",
        "created_at": token.created_at,
        "last_used": token.last_used_at,
        "generated_by": "manual",
        "is_active": active,
        "token": clear,
        "token_label": token.name,
        "scopes": [SCOPE_NAMES[token.scope]],
        "expires_at": token.expires_at,
    }


def _token_manager(request):
    """Tokens are managed with a password, a session or a password login, never with a token (as on Docker Hub)."""
    credential = credential_of(request)
    if credential is None:
        raise exceptions.NotAuthenticated("sign in, or send the JWT of POST /v2/users/login")
    if credential.pat_id is not None or credential.kind == "registry":
        raise exceptions.PermissionDenied("access tokens cannot manage access tokens: log in with your password")
    return request.user


def _token_or_404(user, token_id: str) -> AccessToken:
    return found(access_token_of(user=user, token_id=object_id(token_id)), "access token not found")


@extend_schema(tags=["access-tokens"])
class AccessTokenListView(ApiView):
    @operation("access_token_list", PaginatedAccessTokenListSerializer, ERRORS, parameters=PAGE)
    def get(self, request):
        """Your personal access tokens, newest first, with how many are active."""
        user = _token_manager(request)
        tokens = access_tokens_newest_first(user=user)
        response = self.page(request, tokens, AccessTokenSerializer, lambda page: [token_data(r) for r in page])
        response.data["active_count"] = access_token_active_count(user=user)
        return response

    @operation("access_token_create", {201: AccessTokenSerializer}, ERRORS, request=AccessTokenCreateSerializer)
    def post(self, request):
        """Create a personal access token (the secret is in this answer only)."""
        user = _token_manager(request)
        values = self.body(request, AccessTokenCreateSerializer)
        expires_at = values.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise exceptions.ValidationError({"expires_at": ["must be in the future"]})
        # Several scopes: the widest one wins (repo:admin > repo:write > repo:read), as Docker Hub's do.
        order = list(SCOPE_NAMES)
        scope = max((TOKEN_SCOPES[name] for name in values["scopes"]), key=order.index)
        token, clear = access_token_create(user=user, name=values["token_label"], scope=scope, expires_at=expires_at)
        return Response(AccessTokenSerializer(token_data(token, clear)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["access-tokens"])
class AccessTokenDetailView(ApiView):
    @operation("access_token_get", AccessTokenSerializer, ERRORS)
    def get(self, request, token_id: str):
        """One of your personal access tokens."""
        return Response(AccessTokenSerializer(token_data(_token_or_404(_token_manager(request), token_id))).data)

    @operation("access_token_update", AccessTokenSerializer, ERRORS, request=AccessTokenUpdateSerializer)
    def patch(self, request, token_id: str):
        """Deactivate a token (is_active: false); a deactivated token cannot be turned back on."""
        user = _token_manager(request)
        token = _token_or_404(user, token_id)
        if self.body(request, AccessTokenUpdateSerializer)["is_active"]:
            if token.revoked_at is not None:
                raise exceptions.ValidationError({"is_active": ["a deactivated token cannot be reactivated"]})
        else:
            access_token_revoke(user=user, token_id=token.pk)
            token.refresh_from_db()
        return Response(AccessTokenSerializer(token_data(token)).data)

    @operation("access_token_delete", {204: None}, ERRORS, request=None)
    def delete(self, request, token_id: str):
        """Revoke a token."""
        user = _token_manager(request)
        token = _token_or_404(user, token_id)
        access_token_revoke(user=user, token_id=token.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
