"""The publisher console's writes: repositories created and edited outside a push, archived, deleted; tags deleted.

Name, texts, categories and visibility go through images.services.catalogue (the Hub API's path too),
so the web console and the API share their validation. This module adds what only the console sets
(logo, links, archive) and the audited deletions, and checks who may do each thing
(images.services.permissions decides; these functions only ask).
"""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from images.models import Namespace, Repository, Tag
from images.services import catalogue
from images.services.audit import audit_record
from images.services.manifests import manifest_delete
from images.services.permissions import (
    DELETE,
    can_admin_repository,
    can_edit_listing,
    can_push_namespace,
    repository_permissions,
)

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 25_000_000  # refuse decompression bombs before decoding
LOGO_SIZE = 256
LOGO_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
LINK_FIELDS = ("source_url", "docs_url", "homepage_url")
_http_url = URLValidator(schemes=["http", "https"])


def console_namespaces(*, user) -> list[Namespace]:
    """Namespaces the user may create repositories in: their own and their organizations' (editor or owner)."""
    if user is None or not user.is_authenticated:
        return []
    candidates = Namespace.objects.filter(user_id=user.pk) | Namespace.objects.filter(memberships__user_id=user.pk)
    if user.is_superuser:
        candidates = Namespace.objects.all()
    return [ns for ns in candidates.distinct().order_by("name") if can_push_namespace(user, ns)]


def console_repositories(*, user) -> QuerySet[Repository]:
    namespaces = [ns.pk for ns in console_namespaces(user=user)]
    return (
        Repository.objects.filter(namespace_id__in=namespaces)
        .select_related("namespace")
        .order_by("namespace__name", "name")
    )


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
    user,
    namespace: Namespace,
    name: str,
    short_description: str = "",
    full_description: str = "",
    categories: list[str] | None = None,
    is_private: bool = False,
    **links,
) -> Repository:
    """A repository made before its first push (the push then fills it)."""
    if not can_push_namespace(user, namespace):
        raise PermissionDenied(f"you may not create repositories in {namespace.name}")
    cleaned = _links_check(links)
    repository = catalogue.repository_create(
        namespace=namespace,
        name=name,
        short_description=short_description,
        full_description=full_description,
        is_private=is_private,
        categories=categories,
        created_by=user,
    )
    if cleaned:
        Repository.objects.filter(pk=repository.pk).update(**cleaned)
        repository.refresh_from_db()
    return repository


@transaction.atomic
def repository_update(
    *,
    user,
    repository: Repository,
    short_description: str | None = None,
    full_description: str | None = None,
    categories: list[str] | None = None,
    is_private: bool | None = None,
    **links,
) -> Repository:
    """Change the listing (editors) and visibility (owners); None leaves a field as it is."""
    if not can_edit_listing(user, repository):
        raise PermissionDenied(f"you may not edit {repository.full_name}")
    if is_private is not None and is_private != repository.is_private and not can_admin_repository(user, repository):
        raise PermissionDenied(f"you may not change the visibility of {repository.full_name}")
    cleaned = _links_check(links)
    # catalogue.repository_update audits the visibility change.
    catalogue.repository_update(
        repository=repository,
        updated_by=user,
        short_description=short_description,
        full_description=full_description,
        is_private=is_private,
        categories=categories,
    )
    if cleaned:
        for field, value in cleaned.items():
            setattr(repository, field, value)
        repository.save(update_fields=[*cleaned, "updated_at"])
    return repository


@transaction.atomic
def repository_archive(*, user, repository: Repository, archived: bool = True) -> Repository:
    """Archived repositories stay pullable and say so; their publisher has stopped updating them."""
    if not can_admin_repository(user, repository):
        raise PermissionDenied(f"you may not archive {repository.full_name}")
    if repository.archived != archived:
        audit_record(
            actor=user,
            action="repository.archive" if archived else "repository.unarchive",
            target_type="repository",
            target=repository.full_name,
            namespace=repository.namespace,
            before={"archived": repository.archived},
            after={"archived": archived},
        )
        repository.archived = archived
        repository.save(update_fields=["archived", "updated_at"])
    return repository


def logo_process(data: bytes) -> bytes:
    """An uploaded logo checked (a real PNG/JPEG/GIF/WebP, not too big) and made a PNG of at most 256×256."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo may be at most {LOGO_MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in LOGO_FORMATS:
                raise ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.")
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise ValidationError("The logo has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGBA")
            image.thumbnail((LOGO_SIZE, LOGO_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The logo is not a readable image.") from None


@transaction.atomic
def repository_logo_set(*, user, repository: Repository, data: bytes | None) -> Repository:
    """Set (bytes of an uploaded image) or remove (None) the repository's logo."""
    if not can_edit_listing(user, repository):
        raise PermissionDenied(f"you may not edit {repository.full_name}")
    repository.logo = logo_process(data) if data is not None else None
    repository.logo_updated_at = timezone.now() if data is not None else None
    repository.save(update_fields=["logo", "logo_updated_at", "updated_at"])
    return repository


@transaction.atomic
def repository_delete(*, user, repository: Repository) -> None:
    """Delete a repository with its tags, manifests, mirrors and webhooks; the log keeps what it held."""
    if not can_admin_repository(user, repository):
        raise PermissionDenied(f"you may not delete {repository.full_name}")
    tags = dict(repository.tags.values_list("name", "manifest__digest"))
    audit_record(
        actor=user,
        action="repository.delete",
        target_type="repository",
        target=repository.full_name,
        namespace=repository.namespace,
        before={
            "is_private": repository.is_private,
            "short_description": repository.short_description,
            "tags": tags,
            "manifests": repository.manifests.count(),
        },
    )
    repository.delete()


@transaction.atomic
def tag_delete(*, user, repository: Repository, tag: str) -> None:
    """Remove a tag (the manifest stays, reachable by digest, until garbage collection)."""
    if DELETE not in repository_permissions(user, repository.namespace.name, repository):
        raise PermissionDenied(f"you may not delete tags of {repository.full_name}")
    row = Tag.objects.filter(repository=repository, name=tag).select_related("manifest").first()
    if row is None:
        raise ValidationError(f"no tag {tag!r}")
    audit_record(
        actor=user,
        action="tag.delete",
        target_type="tag",
        target=f"{repository.full_name}:{tag}",
        namespace=repository.namespace,
        before={"digest": row.manifest.digest, "pushed_at": row.pushed_at.isoformat() if row.pushed_at else None},
    )
    manifest_delete(repository=repository, reference=tag)
