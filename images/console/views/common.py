"""What the console's views share: finding a repository the user may change, the page context, URLs."""

from django.http import Http404

from images.models import Namespace, Repository
from images.selectors.repositories import namespace_get, repository_get
from images.services.authorization import ADMINISTER, EDIT_LISTING, authorize, may

AUDIT_PAGE_SIZE = 50


def console_repository(request, namespace: str, name: str, *, admin: bool = False) -> Repository:
    """The repository, when the user may edit its listing (or administer it); 404 otherwise, so a
    private name is not disclosed to people who may not see it."""
    repository = repository_get(user=request.user, namespace=namespace, name=name)
    if repository is None:
        raise Http404("No such repository")
    authorize(
        request.user,
        ADMINISTER if admin else EDIT_LISTING,
        repository=repository,
        message="You may not change this repository.",
    )
    return repository


def namespace_or_404(name: str) -> Namespace:
    namespace = namespace_get(name=name)
    if namespace is None:
        raise Http404("No such namespace")
    return namespace


def page_context(request, repository: Repository, tab: str, **extra) -> dict:
    return {
        "repo": repository,
        "tab": tab,
        "can_admin": may(request.user, ADMINISTER, repository=repository),
        **extra,
    }


def settings_url(repository: Repository, page: str = "settings") -> str:
    return f"/console/r/{repository.namespace.name}/{repository.name}/-/{page}"
