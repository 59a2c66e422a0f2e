"""Tags of a repository with their images per platform and each image's layers (Docker Hub's shapes)."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from images.api.pagination import HubPagination
from images.api.parameters import TAG_LIST
from images.api.schema import BAD_OR_MISSING, ERRORS, MISSING
from images.api.serializers.common import paginated
from images.api.serializers.content import ImageSerializer, TagSerializer
from images.api.views.base import DELETE, ApiView, repository_for
from images.errors import ManifestUnknown
from images.models import Manifest, Repository, Tag
from images.selectors.tags import API_TAG_ORDERINGS, layers_by_manifest, tag_ids_page, tags_with_images
from images.services.tags import TAG_RE, tag_delete

ORDERINGS = API_TAG_ORDERINGS


def _platform_manifests(manifest: Manifest) -> list[tuple[str, str, str, Manifest]]:
    """(os, architecture, variant, image manifest) of each platform; attestations ("unknown") left out."""
    if not manifest.is_index:
        return [(manifest.os, manifest.architecture, manifest.variant, manifest)]
    rows = []
    for link in manifest.child_links.all():
        architecture = link.architecture or link.child.architecture
        if architecture in ("", "unknown"):
            continue
        rows.append((link.os or link.child.os, architecture, link.variant or link.child.variant, link.child))
    return rows


def image_data(os_: str, architecture: str, variant: str, manifest: Manifest, layers: list[dict]) -> dict:
    size = manifest.compressed_size
    if size is None:
        size = sum(layer["size"] for layer in layers)
    return {
        "architecture": architecture,
        "features": "",
        "variant": variant or None,
        "digest": manifest.digest,
        "os": os_,
        "os_features": "",
        "os_version": None,
        "size": size,
        "status": "active",
        "last_pulled": None,
        "last_pushed": manifest.pushed_at,
        "index_status": manifest.index_status,
        "layers": layers,
    }


def tags_data(tags: list[Tag]) -> list[dict]:
    """Tags (with manifest, pushed_by and child links prefetched) as Docker Hub's tag objects."""
    platforms = {tag.id: _platform_manifests(tag.manifest) for tag in tags}
    layers = layers_by_manifest(manifest_ids=[m.id for rows in platforms.values() for *_, m in rows])
    result = []
    for tag in tags:
        images = [image_data(o, a, v, m, layers.get(m.id, [])) for o, a, v, m in platforms[tag.id]]
        default = next((i for i in images if i["os"] == "linux" and i["architecture"] == "amd64"), None)
        default = default or (images[0] if images else None)
        manifest = tag.manifest
        result.append(
            {
                "id": tag.id,
                "name": tag.name,
                "repository": tag.repository_id,
                "creator": tag.pushed_by_id,
                "last_updater": tag.pushed_by_id,
                "last_updater_username": tag.pushed_by.username if tag.pushed_by else "",
                "last_updated": tag.pushed_at,
                "tag_last_pushed": tag.pushed_at,
                "tag_last_pulled": tag.last_pulled_at,
                "tag_status": "active",
                "v2": True,
                "digest": manifest.digest,
                "media_type": manifest.media_type,
                "content_type": "unrecognized" if manifest.index_status == "skipped" else "image",
                "full_size": default["size"] if default else 0,
                "images": images,
            }
        )
    return result


def tag_or_404(repository: Repository, name: str) -> Tag:
    if not TAG_RE.match(name):
        raise exceptions.NotFound(f"tag {name[:128]} not found")
    tags = tags_with_images(tag_ids=tag_ids_page(repository=repository, exact_name=name))
    if not tags:
        raise exceptions.NotFound(f"tag {name} not found")
    return tags[0]


@extend_schema(tags=["tags"])
class TagListView(ApiView):
    @extend_schema(
        operation_id="tag_list",
        parameters=TAG_LIST,
        responses={200: paginated(TagSerializer), **BAD_OR_MISSING},
    )
    def get(self, request, namespace: str, name: str):
        """A repository's tags, with their images per platform."""
        repository, _ = repository_for(request, namespace, name)
        ordering = request.query_params.get("ordering", "-last_updated")
        if ordering not in ORDERINGS:
            raise exceptions.ValidationError({"ordering": [f"one of {', '.join(ORDERINGS)}"]})
        name_filter = request.query_params.get("name", "").strip()[:128]
        ids = tag_ids_page(repository=repository, name_filter=name_filter, ordering=ordering)
        paginator = HubPagination()
        page = paginator.paginate_queryset(ids, request, view=self)
        return paginator.get_paginated_response(
            TagSerializer(tags_data(tags_with_images(tag_ids=list(page))), many=True).data
        )


@extend_schema(tags=["tags"])
class TagDetailView(ApiView):
    @extend_schema(operation_id="tag_get", responses={200: TagSerializer, **MISSING})
    def get(self, request, namespace: str, name: str, tag: str):
        """One tag, with its images per platform."""
        repository, _ = repository_for(request, namespace, name)
        return Response(TagSerializer(tags_data([tag_or_404(repository, tag)])[0]).data)

    @extend_schema(operation_id="tag_delete", request=None, responses={204: None, **ERRORS})
    def delete(self, request, namespace: str, name: str, tag: str):
        """Untag (the manifest stays, reachable by digest)."""
        repository, _ = repository_for(request, namespace, name, DELETE)
        tag_or_404(repository, tag)
        try:
            tag_delete(actor=request.user, repository=repository, tag=tag)
        except ManifestUnknown:
            raise exceptions.NotFound(f"tag {tag} not found") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["tags"])
class TagImagesView(ApiView):
    @extend_schema(operation_id="tag_images", responses={200: ImageSerializer(many=True), **MISSING})
    def get(self, request, namespace: str, name: str, tag: str):
        """The images (one per platform) of a tag, with their layers."""
        repository, _ = repository_for(request, namespace, name)
        return Response(ImageSerializer(tags_data([tag_or_404(repository, tag)])[0]["images"], many=True).data)
