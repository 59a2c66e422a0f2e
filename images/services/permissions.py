"""Who may do what to a repository: the one place that decides.

The token service, the catalogue listing and (later) the web pages and API all ask here.
Organizations and teams will add their rules in this module.
"""

from django.db.models import Q

from images.models import Namespace, Repository

PULL = "pull"
PUSH = "push"
DELETE = "delete"
ALL_ACTIONS = frozenset({PULL, PUSH, DELETE})


def repository_permissions(user, namespace_name: str, repository: Repository | None) -> set[str]:
    """The actions `user` (None or anonymous for nobody) may take on a repository of a namespace.

    `repository` is None when it does not exist yet: only those who may push into the namespace
    get anything, so a missing name and a private one look the same to everyone else.
    """
    if user is not None and user.is_authenticated and user.is_active:
        if user.is_superuser:
            return set(ALL_ACTIONS)
        owner_id = (
            repository.namespace.user_id
            if repository is not None
            else Namespace.objects.filter(name=namespace_name).values_list("user_id", flat=True).first()
        )
        if owner_id is not None and owner_id == user.pk:
            return set(ALL_ACTIONS)
    if repository is not None and not repository.is_private:
        return {PULL}
    return set()


def repository_readable_filter(user) -> Q:
    """A filter on Repository for the ones `user` may pull (the same rules as above, as a query)."""
    if user is not None and user.is_authenticated and user.is_active:
        if user.is_superuser:
            return Q()
        return Q(is_private=False) | Q(namespace__user_id=user.pk)
    return Q(is_private=False)
