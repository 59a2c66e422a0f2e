"""One dispatcher for every `/v2/` view: authorization, the repository name, request bodies and the
error envelope, so the handlers in blobs.py, uploads.py, manifests.py ... never repeat them."""

import logging

from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from images.errors import DomainError
from images.registry.auth import request_claims, unauthorized
from images.registry.body import StreamBody, gunicorn_body
from images.registry.errors import Code, RegistryError, error_response, registry_error
from images.registry.params import HUGE, ascii_int, nul_refusal
from images.services.authorization import DELETE, PULL, PUSH
from images.services.repositories import repository_ensure, repository_get, repository_name_split
from images.services.tokens import token_allows, token_principal

logger = logging.getLogger(__name__)

ACTIONS = {"GET": PULL, "HEAD": PULL, "POST": PUSH, "PUT": PUSH, "PATCH": PUSH, "DELETE": DELETE}
# What a 401 asks the client to get a token for: pushing needs pull too (HEAD before upload).
CHALLENGE_ACTIONS = {PULL: "pull", PUSH: "pull,push", DELETE: "delete"}


@method_decorator(csrf_exempt, name="dispatch")
class RegistryView(View):
    http_method_names = ["get", "head", "post", "put", "patch", "delete"]
    # Views without a repository in their URL (`/v2/`, `_catalog`) set their own rule.
    repository_scoped = True

    def dispatch(self, request, *args, **kwargs):
        head = request.method == "HEAD"
        try:
            handler = getattr(self, request.method.lower(), None)
            if request.method.lower() not in self.http_method_names or handler is None:
                raise RegistryError(Code.UNSUPPORTED, {"method": request.method})
            refusal = nul_refusal(kwargs, request.GET)
            if refusal is not None:
                raise refusal
            self.claims = request_claims(request)
            if self.repository_scoped:
                self.name = kwargs["name"]
                self.namespace_name, self.repository_name = repository_name_split(self.name)
                self.authorize(ACTIONS[request.method])
            else:
                self.authorize_global()
            response = handler(request, *args, **kwargs)
        except RegistryError as error:
            response = error_response(error, head=head)
        except DomainError as error:
            response = error_response(registry_error(error), head=head)
        except PermissionDenied as error:
            # A service's own check refused what the token allowed (rights changed since it was issued).
            response = error_response(RegistryError(Code.DENIED, message=str(error)), head=head)
        response["Docker-Distribution-API-Version"] = "registry/2.0"
        return response

    def authorize(self, action: str, name: str | None = None) -> None:
        name = name or self.name
        if self.claims is None or not token_allows(self.claims, "repository", name, action):
            raise unauthorized(f"repository:{name}:{CHALLENGE_ACTIONS[action]}", claims=self.claims)

    def authorize_global(self) -> None:
        if self.claims is None:
            raise unauthorized()

    def allows(self, action: str, name: str) -> bool:
        return self.claims is not None and token_allows(self.claims, "repository", name, action)

    # --- helpers for handlers ---------------------------------------------------------------------
    def agent(self):
        """Who the token speaks for (a user, an organization token's agent, or None), for the services'
        own authorization checks."""
        if not hasattr(self, "_agent"):
            self._agent = token_principal(self.claims)
        return self._agent

    def pusher(self):
        """The person to record as having pushed (an organization token is nobody's account)."""
        agent = self.agent()
        return agent if agent is not None and agent.pk is not None else None

    def repository_for_push(self):
        """The repository pushed to, created on the first push (repository_ensure checks who may)."""
        return repository_ensure(actor=self.agent(), namespace_name=self.namespace_name, name=self.repository_name)

    def repository(self, *, required: bool = True):
        repository = repository_get(self.namespace_name, self.repository_name)
        if repository is None and required:
            raise RegistryError(Code.NAME_UNKNOWN, {"name": self.name})
        return repository


def request_body(request) -> tuple[object, int | None]:
    """(stream, length) of the request body; length None for a chunked body of unknown size.

    The stream has read(n) and readinto(buffer) (images/registry/body.py). Django reads nothing
    from a body without Content-Length, but Go clients stream layers of unknown size with
    `Transfer-Encoding: chunked`; gunicorn decodes that into wsgi.input.
    """
    raw = request.META.get("CONTENT_LENGTH")
    if raw:
        length = ascii_int(raw)
        if length is None or length >= HUGE:
            raise RegistryError(Code.SIZE_INVALID, {"content_length": raw[:50]})
        return gunicorn_body(request) or StreamBody(request), length
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return StreamBody(request.META["wsgi.input"]), None
    return StreamBody(request), 0
