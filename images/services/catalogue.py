"""Catalogue metadata writes: creating, describing and deleting repositories outside a push.

A push creates its repository through repositories.repository_ensure(); the Hub API and the
publisher console (images.services.listings, which adds links, logo, archive and deletion) create
one ahead of the first push and edit it through here. Visibility changes are audited.

Reserved names: `/v2/` is both the OCI registry prefix and the prefix of the Hub API v2 paths that
Docker Hub's tools call (`/v2/repositories/...`, `/v2/users/login` ...). The first component after
`/v2/` of those paths (hub.accounts.names.API_PATH_NAMES) can never be a namespace (no account name
may be one) nor the name of a one-component (`library/`) repository, so no registry path is ever
shadowed by the API.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hub.accounts.names import API_PATH_NAMES
from images.models import Category, Namespace, Repository
from images.models.catalogue import FULL_DESCRIPTION_MAX, MAX_CATEGORIES, REPOSITORY_NAME_RE, SHORT_DESCRIPTION_MAX
from images.services.audit import audit_record
from images.services.trust import trusted_content_refresh

DEFAULT_NAMESPACE = "library"
_NAME_RE = re.compile(rf"^{REPOSITORY_NAME_RE}$")


def repository_name_check(*, namespace_name: str, name: str) -> None:
    """Raise ValidationError for a name the registry could not serve, or one that a reserved path would shadow."""
    if not name or len(f"{namespace_name}/{name}") > 255 or not _NAME_RE.match(name):
        raise ValidationError(
            "repository names are lowercase letters, digits and single separators (. _ __ -), components joined by /",
            code="invalid",
        )
    if namespace_name == DEFAULT_NAMESPACE and name.split("/", 1)[0] in API_PATH_NAMES:
        raise ValidationError(f"{name!r} is reserved (Hub API paths under /v2/ use it)", code="reserved")


def _audit(actor, action: str, repository: Repository, before=None, after=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="repository",
        target=repository.full_name,
        namespace=repository.namespace,
        before=before,
        after=after,
    )


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


@transaction.atomic
def repository_create(
    *,
    namespace: Namespace,
    name: str,
    short_description: str = "",
    full_description: str = "",
    is_private: bool = False,
    categories: list[str] | None = None,
    created_by=None,
) -> Repository:
    """Create an empty repository; ValidationError when the name is invalid, reserved or taken."""
    repository_name_check(namespace_name=namespace.name, name=name)
    _text_check(short_description, full_description)
    found = _categories(categories)
    try:
        with transaction.atomic():
            repository = Repository.objects.create(
                namespace=namespace,
                name=name,
                short_description=short_description,
                full_description=full_description,
                is_private=is_private,
                is_official=namespace.name == DEFAULT_NAMESPACE,
            )
    except IntegrityError:
        raise ValidationError(f"repository {namespace.name}/{name} already exists", code="exists") from None
    if found:
        repository.categories.set(found)
    trusted_content_refresh(namespace_id=namespace.id)
    repository.refresh_from_db()
    _audit(created_by, "repository.create", repository, after={"is_private": is_private})
    return repository


@transaction.atomic
def repository_update(
    *,
    repository: Repository,
    updated_by=None,
    short_description: str | None = None,
    full_description: str | None = None,
    is_private: bool | None = None,
    categories: list[str] | None = None,
) -> Repository:
    """Change the given fields (None leaves a field as it is)."""
    _text_check(short_description, full_description)
    found = _categories(categories)
    fields = []
    if short_description is not None:
        repository.short_description = short_description
        fields.append("short_description")
    if full_description is not None:
        repository.full_description = full_description
        fields.append("full_description")
    visibility_before = repository.is_private
    if is_private is not None:
        repository.is_private = is_private
        fields.append("is_private")
    if fields:
        repository.save(update_fields=[*fields, "updated_at"])
    if found is not None:
        repository.categories.set(found)
    if is_private is not None and is_private != visibility_before:
        _audit(
            updated_by,
            "repository.visibility",
            repository,
            {"is_private": visibility_before},
            {"is_private": is_private},
        )
    return repository
