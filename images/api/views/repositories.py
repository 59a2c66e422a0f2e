"""Repositories: list a namespace's, create, get, update, delete (Docker Hub's /v2/repositories/ and
/v2/namespaces/{namespace}/repositories)."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from images.api.parameters import REPOSITORY_LIST
from images.api.query import query_choice
from images.api.schema import BAD_OR_MISSING, ERRORS, MISSING, operation
from images.api.serializers.common import paginated
from images.api.serializers.content import (
    RepositoryDetailSerializer,
    RepositorySerializer,
    RepositoryWriteSerializer,
)
from images.api.views.base import (
    ADMINISTER,
    DELETE,
    EDIT_LISTING,
    PULL,
    PUSH,
    ApiView,
    found,
    repository_for,
    require_write,
)
from images.models import Namespace, Repository
from images.models.catalogue import TrustedContent
from images.selectors.lineage import repository_dependents
from images.selectors.repositories import (
    API_REPOSITORY_ORDERINGS,
    namespace_get,
    namespace_repository_list,
    repository_is_starred,
    repository_media_types,
)
from images.services.authorization import repository_actions
from images.services.repositories import repository_create, repository_delete, repository_update

BADGES = {
    TrustedContent.OFFICIAL: "official",
    TrustedContent.VERIFIED: "verified_publisher",
    TrustedContent.SPONSORED: "open_source",
}


def repository_data(repository: Repository) -> dict:
    ns = repository.namespace.name
    return {
        "user": ns,
        "name": repository.name,
        "namespace": ns,
        "repository_type": "image",
        "status": 0 if repository.archived else 1,
        "status_description": "archived" if repository.archived else "active",
        "description": repository.short_description,
        "is_private": repository.is_private,
        "is_automated": False,
        "is_official": repository.trusted_content == TrustedContent.OFFICIAL,
        "badge": BADGES.get(repository.trusted_content, "none"),
        "star_count": repository.star_count,
        "pull_count": repository.pull_count,
        "last_updated": repository.last_pushed_at or repository.updated_at,
        "last_modified": repository.updated_at,
        "date_registered": repository.created_at,
        "affiliation": None,
        "hub_user": ns,
        "categories": [{"name": c.name, "slug": c.slug} for c in repository.categories.all()],
    }


def repository_detail_data(request, repository: Repository, permitted: set[str]) -> dict:
    media_types = repository_media_types(repository=repository)
    data = repository_data(repository)
    data.update(
        {
            "full_description": repository.full_description,
            "has_starred": repository_is_starred(user=request.user, repository=repository),
            "permissions": {"read": PULL in permitted, "write": PUSH in permitted, "admin": DELETE in permitted},
            "collaborator_count": 0,
            "media_types": media_types,
            "content_types": ["image"] if media_types else [],
            "used_as_base_by": repository_dependents(repository=repository, user=request.user, limit=0).count,
        }
    )
    return data


def _namespace_or_404(name: str) -> Namespace:
    return found(namespace_get(name=name), f"namespace {name} not found")


def _create(request, namespace_name: str | None) -> Response:
    values = ApiView.body(request, RepositoryWriteSerializer)
    namespace_name = namespace_name or values.get("namespace")
    if not namespace_name:
        raise exceptions.ValidationError({"namespace": ["required"]})
    if not values.get("name"):
        raise exceptions.ValidationError({"name": ["required"]})
    if values.get("namespace") and values["namespace"] != namespace_name:
        raise exceptions.ValidationError({"namespace": ["does not match the namespace in the path"]})
    require_write(request, PUSH, repository_actions(request.user, None, namespace_name=namespace_name))
    namespace = _namespace_or_404(namespace_name)
    repository = repository_create(
        actor=request.user,
        namespace=namespace,
        name=values["name"],
        short_description=values.get("description", ""),
        full_description=values.get("full_description", ""),
        is_private=values.get("is_private", False),
        categories=values.get("categories"),
    )
    permitted = repository_actions(request.user, repository)
    data = RepositoryDetailSerializer(repository_detail_data(request, repository, permitted)).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["repositories"])
class RepositoryCreateView(ApiView):
    @operation("repository_create", {201: RepositoryDetailSerializer}, ERRORS, request=RepositoryWriteSerializer)
    def post(self, request):
        """Create a repository (namespace in the body)."""
        return _create(request, None)


@extend_schema(tags=["repositories"])
class RepositoryListView(ApiView):
    @operation("repository_list", paginated(RepositorySerializer), BAD_OR_MISSING, parameters=REPOSITORY_LIST)
    def get(self, request, namespace: str):
        """List a namespace's repositories (the ones you may see)."""
        ns = _namespace_or_404(namespace)
        ordering = query_choice(request, "ordering", API_REPOSITORY_ORDERINGS, "-last_updated")
        order = API_REPOSITORY_ORDERINGS[ordering]
        repositories = namespace_repository_list(user=request.user, namespace=ns, order=order)
        return self.page(request, repositories, RepositorySerializer, lambda page: [repository_data(r) for r in page])

    @operation(
        "namespace_repository_create", {201: RepositoryDetailSerializer}, ERRORS, request=RepositoryWriteSerializer
    )
    def post(self, request, namespace: str):
        """Create a repository in this namespace."""
        return _create(request, namespace)


@extend_schema(tags=["repositories"])
class RepositoryDetailView(ApiView):
    @operation("repository_get", RepositoryDetailSerializer, MISSING)
    def get(self, request, namespace: str, name: str):
        """A repository you may see, with your permissions on it."""
        repository, permitted = repository_for(request, namespace, name)
        return Response(RepositoryDetailSerializer(repository_detail_data(request, repository, permitted)).data)

    @operation("repository_update", RepositoryDetailSerializer, ERRORS, request=RepositoryWriteSerializer)
    def patch(self, request, namespace: str, name: str):
        """Change description, full_description, is_private or categories."""
        repository, permitted = repository_for(request, namespace, name, EDIT_LISTING)
        values = self.body(request, RepositoryWriteSerializer)
        for key in ("namespace", "name"):
            if key in values and values[key] != getattr(repository, key if key == "name" else "namespace").__str__():
                raise exceptions.ValidationError({key: ["a repository cannot be renamed or moved"]})
        if values.get("is_private") is not None and values["is_private"] != repository.is_private:
            # Visibility is a repository setting: editors and write teams may not publish a private one.
            require_write(request, ADMINISTER, permitted)
        repository_update(
            actor=request.user,
            repository=repository,
            short_description=values.get("description"),
            full_description=values.get("full_description"),
            is_private=values.get("is_private"),
            categories=values.get("categories"),
        )
        repository.refresh_from_db()
        return Response(RepositoryDetailSerializer(repository_detail_data(request, repository, permitted)).data)

    @operation("repository_delete", {202: None}, ERRORS, request=None)
    def delete(self, request, namespace: str, name: str):
        """Delete the repository, its tags and manifests."""
        repository, _ = repository_for(request, namespace, name, ADMINISTER)
        repository_delete(actor=request.user, repository=repository)
        # Docker Hub answers 202: the storage is reclaimed later (here: by garbage collection).
        return Response(status=status.HTTP_202_ACCEPTED)
