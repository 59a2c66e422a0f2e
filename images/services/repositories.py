"""Repositories: the one path that creates, changes, archives and deletes them, whatever the entry.

A push creates its repository through repository_ensure(); the Hub API and the publisher console
create one ahead of the first push (repository_create) and edit it (repository_update). Every
function here asks images.services.authorization first, so no caller can skip the rule; visibility
changes, archiving and deletions are audited.

Names: a repository's full name is `<namespace>/<path>`; a one-component name (`podman push
hub.example/alpine`) lives in `library`, as on Docker Hub. `/v2/` is both the OCI registry prefix and
the prefix of the Hub API v2 paths that Docker Hub's tools call (`/v2/repositories/...`,
`/v2/users/login` ...), so the first component after `/v2/` of those paths
(hub.accounts.names.API_PATH_NAMES) can never be a namespace, nor the name of a `library/`
repository: no registry path is ever shadowed by the API.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from hub.accounts.names import API_PATH_NAMES
from images.errors import NameInvalid, NameUnknown
from images.models import Category, Namespace, Repository
from images.models.catalogue import FULL_DESCRIPTION_MAX, MAX_CATEGORIES, REPOSITORY_NAME_RE, SHORT_DESCRIPTION_MAX
from images.services.audit import repository_audit
from images.services.authorization import ADMINISTER, EDIT_LISTING, PUSH, authorize
from images.services.trust import trusted_content_refresh

DEFAULT_NAMESPACE = "library"
NAME_MAX = 255
NAME_RE = re.compile(rf"^{REPOSITORY_NAME_RE}$")
LINK_FIELDS = ("source_url", "docs_url", "homepage_url")
_http_url = URLValidator(schemes=["http", "https"])


# --- names -----------------------------------------------------------------------------------------


def repository_name_split(full_name: str) -> tuple[str, str]:
    """ "alice/team/app" -> ("alice", "team/app"); "alpine" -> ("library", "alpine"); NameInvalid otherwise."""
    if len(full_name) > NAME_MAX or not NAME_RE.match(full_name):
        raise NameInvalid(name=full_name[:NAME_MAX])
    namespace, _, rest = full_name.partition("/")
    if not rest:
        return DEFAULT_NAMESPACE, namespace
    return namespace, rest


def _reserved(namespace_name: str, name: str) -> bool:
    return namespace_name == DEFAULT_NAMESPACE and name.split("/", 1)[0] in API_PATH_NAMES


def repository_name_check(*, namespace_name: str, name: str) -> None:
    """ValidationError for a name the registry could not serve, or one that a reserved path would shadow."""
    if not name or len(f"{namespace_name}/{name}") > NAME_MAX or not NAME_RE.match(name):
        raise ValidationError(
            "repository names are lowercase letters, digits and single separators (. _ __ -), components joined by /",
            code="invalid",
        )
    if _reserved(namespace_name, name):
        raise ValidationError(f"{name!r} is reserved (Hub API paths under /v2/ use it)", code="reserved")


# --- reads the writes need ---------------------------------------------------------------------------


def repository_get(namespace_name: str, name: str) -> Repository | None:
    """The repository by name, whoever asks (callers authorize); see images.selectors for visible reads."""
    return Repository.objects.select_related("namespace").filter(namespace__name=namespace_name, name=name).first()


# --- writes ----------------------------------------------------------------------------------------


def repository_ensure(*, actor, namespace_name: str, name: str) -> Repository:
    """The repository, created (public) on first push when its namespace exists and `actor` may push there."""
    repository = repository_get(namespace_name, name)
    if repository is not None:
        return repository
    if _reserved(namespace_name, name):
        raise NameInvalid(name=name, reason="reserved for the Hub API")
    namespace = Namespace.objects.filter(name=namespace_name).first()
    if namespace is None:
        raise NameUnknown(namespace=namespace_name)
    authorize(actor, PUSH, namespace=namespace, message=f"you may not create repositories in {namespace_name}")
    try:
        with transaction.atomic():
            return Repository.objects.create(namespace=namespace, name=name)
    except IntegrityError:  # created by a concurrent push
        return repository_get(namespace_name, name)


def _categories(slugs: list[str] | None) -> list[Category] | None:
    if slugs is None:
        return None
    slugs = list(dict.fromkeys(slugs))
    if len(slugs) > MAX_CATEGORIES:
        raise ValidationError(f"at most {MAX_CATEGORIES} categories", code="invalid")
    found = list(Category.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {c.slug for c in found})
    if unknown:
        raise ValidationError(f"unknown categories: {', '.join(unknown)}", code="invalid")
    return found


def _text_check(short_description: str | None, full_description: str | None) -> None:
    if short_description is not None and len(short_description) > SHORT_DESCRIPTION_MAX:
        raise ValidationError(f"description is at most {SHORT_DESCRIPTION_MAX} characters", code="invalid")
    if full_description is not None and len(full_description) > FULL_DESCRIPTION_MAX:
        raise ValidationError(f"full_description is at most {FULL_DESCRIPTION_MAX} characters", code="invalid")


def _links_check(links: dict) -> dict:
    cleaned = {}
    for field in LINK_FIELDS:
        if field not in links or links[field] is None:
            continue
        value = links[field].strip()
        if value:
            try:
                _http_url(value)
            except ValidationError:
                raise ValidationError({field: "Enter an http:// or https:// URL."}) from None
        cleaned[field] = value
    return cleaned


@transaction.atomic
def repository_create(
    *,
    actor,
    namespace: Namespace,
    name: str,
    short_description: str = "",
    full_description: str = "",
    is_private: bool = False,
    categories: list[str] | None = None,
    **links,
) -> Repository:
    """A repository made before its first push (the push then fills it); ValidationError when the name
    is invalid, reserved or taken."""
    authorize(actor, PUSH, namespace=namespace, message=f"you may not create repositories in {namespace.name}")
    repository_name_check(namespace_name=namespace.name, name=name)
    _text_check(short_description, full_description)
    found = _categories(categories)
    cleaned = _links_check(links)
    try:
        with transaction.atomic():
            repository = Repository.objects.create(
                namespace=namespace,
                name=name,
                short_description=short_description,
                full_description=full_description,
                is_private=is_private,
                is_official=namespace.name == DEFAULT_NAMESPACE,
                **cleaned,
            )
    except IntegrityError:
        raise ValidationError(f"repository {namespace.name}/{name} already exists", code="exists") from None
    if found:
        repository.categories.set(found)
    trusted_content_refresh(namespace_id=namespace.id)
    repository.refresh_from_db()
    repository_audit(actor=actor, action="repository.create", repository=repository, after={"is_private": is_private})
    return repository


@transaction.atomic
def repository_update(
    *,
    actor,
    repository: Repository,
    short_description: str | None = None,
    full_description: str | None = None,
    categories: list[str] | None = None,
    is_private: bool | None = None,
    **links,
) -> Repository:
    """Change the listing (whoever may edit it) and the visibility (whoever administers the
    repository); None leaves a field as it is."""
    authorize(actor, EDIT_LISTING, repository=repository, message=f"you may not edit {repository.full_name}")
    visibility_before = repository.is_private
    if is_private is not None and is_private != visibility_before:
        authorize(
            actor,
            ADMINISTER,
            repository=repository,
            message=f"you may not change the visibility of {repository.full_name}",
        )
    _text_check(short_description, full_description)
    found = _categories(categories)
    changes = {
        "short_description": short_description,
        "full_description": full_description,
        "is_private": is_private,
        **_links_check(links),
    }
    fields = [field for field, value in changes.items() if value is not None]
    for field in fields:
        setattr(repository, field, changes[field])
    if fields:
        repository.save(update_fields=[*fields, "updated_at"])
    if found is not None:
        repository.categories.set(found)
    if is_private is not None and is_private != visibility_before:
        before, after = {"is_private": visibility_before}, {"is_private": is_private}
        repository_audit(actor=actor, action="repository.visibility", repository=repository, before=before, after=after)
    return repository


@transaction.atomic
def repository_archive(*, actor, repository: Repository, archived: bool = True) -> Repository:
    """Archived repositories stay pullable and say so; their publisher has stopped updating them."""
    authorize(actor, ADMINISTER, repository=repository, message=f"you may not archive {repository.full_name}")
    if repository.archived != archived:
        action = "repository.archive" if archived else "repository.unarchive"
        before, after = {"archived": repository.archived}, {"archived": archived}
        repository_audit(actor=actor, action=action, repository=repository, before=before, after=after)
        repository.archived = archived
        repository.save(update_fields=["archived", "updated_at"])
    return repository


@transaction.atomic
def repository_delete(*, actor, repository: Repository) -> None:
    """Delete a repository with its tags, manifests, mirrors and webhooks; the log keeps what it held."""
    authorize(actor, ADMINISTER, repository=repository, message=f"you may not delete {repository.full_name}")
    tags = dict(repository.tags.values_list("name", "manifest__digest"))
    before = {
        "is_private": repository.is_private,
        "short_description": repository.short_description,
        "tags": tags,
        "manifests": repository.manifests.count(),
    }
    repository_audit(actor=actor, action="repository.delete", repository=repository, before=before)
    repository.delete()
