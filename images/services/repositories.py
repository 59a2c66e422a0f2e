"""Repositories as the registry sees them: names split into namespace and path, created on first push."""

import re

from django.db import IntegrityError, transaction

from hub.accounts.names import API_PATH_NAMES
from images.errors import NameInvalid, NameUnknown
from images.models import Namespace, Repository
from images.models.catalogue import REPOSITORY_NAME_RE

NAME_RE = re.compile(rf"^{REPOSITORY_NAME_RE}$")
# A one-component name (`podman push hub.example/alpine`) lives in this namespace, as on Docker Hub.
DEFAULT_NAMESPACE = "library"
NAME_MAX = 255


def repository_name_split(full_name: str) -> tuple[str, str]:
    """ "alice/team/app" -> ("alice", "team/app"); "alpine" -> ("library", "alpine")."""
    if len(full_name) > NAME_MAX or not NAME_RE.match(full_name):
        raise NameInvalid(name=full_name[:NAME_MAX])
    namespace, _, rest = full_name.partition("/")
    if not rest:
        return DEFAULT_NAMESPACE, namespace
    return namespace, rest


def repository_get(namespace_name: str, name: str) -> Repository | None:
    return Repository.objects.select_related("namespace").filter(namespace__name=namespace_name, name=name).first()


def repository_ensure(*, namespace_name: str, name: str) -> Repository:
    """The repository, created (public) on first push when its namespace exists."""
    repository = repository_get(namespace_name, name)
    if repository is not None:
        return repository
    if namespace_name == DEFAULT_NAMESPACE and name.split("/", 1)[0] in API_PATH_NAMES:
        raise NameInvalid(name=name, reason="reserved for the Hub API")
    namespace = Namespace.objects.filter(name=namespace_name).first()
    if namespace is None:
        raise NameUnknown(namespace=namespace_name)
    try:
        with transaction.atomic():
            return Repository.objects.create(namespace=namespace, name=name)
    except IntegrityError:  # created by a concurrent push
        return repository_get(namespace_name, name)
