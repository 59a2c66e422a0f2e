"""Tags of a repository, with their images per platform, and each image: its layers, packages,
vulnerabilities and SBOM (Docker Hub's shapes where Docker Hub has them)."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from images.api.parameters import IMAGE_PACKAGES, IMAGE_SBOM, IMAGE_VULNERABILITIES, TAG_LIST
from images.api.query import query_choice, query_flag, query_text
from images.api.schema import BAD_OR_MISSING, ERRORS, MISSING, operation
from images.api.serializers.common import paginated
from images.api.serializers.content import (
    ImageDetailSerializer,
    ImageSerializer,
    PackageSerializer,
    TagSerializer,
    VulnerabilitySerializer,
)
from images.api.serializers.lineage import lineage_data
from images.api.views.base import DELETE, ApiView, found, repository_for
from images.errors import ManifestUnknown
from images.exports import SBOM_FORMATS, manifest_sbom
from images.models import Manifest, Repository, Tag
from images.models.security import Severity
from images.selectors.images import finding_list, image_detail_get, image_manifest_get, package_list
from images.selectors.lineage import image_lineage
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
    @operation("tag_list", paginated(TagSerializer), BAD_OR_MISSING, parameters=TAG_LIST)
    def get(self, request, namespace: str, name: str):
        """A repository's tags, with their images per platform."""
        repository, _ = repository_for(request, namespace, name)
        ordering = query_choice(request, "ordering", ORDERINGS, "-last_updated")
        name_filter = query_text(request, "name", limit=128)
        ids = tag_ids_page(repository=repository, name_filter=name_filter, ordering=ordering)
        return self.page(request, ids, TagSerializer, lambda page: tags_data(tags_with_images(tag_ids=page)))


@extend_schema(tags=["tags"])
class TagDetailView(ApiView):
    @operation("tag_get", TagSerializer, MISSING)
    def get(self, request, namespace: str, name: str, tag: str):
        """One tag, with its images per platform."""
        repository, _ = repository_for(request, namespace, name)
        return Response(TagSerializer(tags_data([tag_or_404(repository, tag)])[0]).data)

    @operation("tag_delete", {204: None}, ERRORS, request=None)
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
    @operation("tag_images", ImageSerializer(many=True), MISSING)
    def get(self, request, namespace: str, name: str, tag: str):
        """The images (one per platform) of a tag, with their layers."""
        repository, _ = repository_for(request, namespace, name)
        return Response(ImageSerializer(tags_data([tag_or_404(repository, tag)])[0]["images"], many=True).data)


DIGEST_RE = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")


def image_for(request, namespace: str, name: str, digest: str) -> Manifest:
    """The image `digest` of a repository the caller may read (404 for a missing one and an unreadable one)."""
    repository, _ = repository_for(request, namespace, name)
    manifest = image_manifest_get(repository=repository, digest=digest) if DIGEST_RE.match(digest) else None
    return found(manifest, f"image {digest[:100]} not found in {repository.full_name}")


def package_data(p) -> dict:
    return {
        "type": p.type,
        "name": p.name,
        "version": p.version,
        "purl": p.purl,
        "source_name": p.source_name,
        "source_version": p.source_version,
        "arch": p.arch,
        "licenses": list(p.license_list),
        "path": p.path,
        "layer_digest": (p.layer.digest or None) if p.layer else None,
        "layer_instruction": p.layer.created_by if p.layer else None,
    }


def finding_data(f) -> dict:
    vulnerability, package = f.vulnerability, f.package
    return {
        "id": vulnerability.osv_id,
        "aliases": [str(a) for a in (vulnerability.aliases or [])],
        "known_aliases": vulnerability.known_aliases,
        "summary": vulnerability.summary,
        "severity": f.severity,
        "severity_source": vulnerability.severity_source,
        "cvss_score": vulnerability.cvss_score,
        "cvss_vector": vulnerability.cvss_vector,
        "fixed_version": f.fixed_version,
        "fix_state": f.fix_state,
        "published": vulnerability.published,
        "package": {"type": package.type, "name": package.name, "version": package.version, "purl": package.purl},
    }


@extend_schema(tags=["images"])
class ImageDetailView(ApiView):
    @operation("image_get", ImageDetailSerializer, MISSING)
    def get(self, request, namespace: str, name: str, digest: str):
        """An image: platform, size, layers, package and vulnerability counts."""
        manifest = image_for(request, namespace, name, digest)
        layers = layers_by_manifest(manifest_ids=[manifest.id]).get(manifest.id, [])
        data = image_data(manifest.os, manifest.architecture, manifest.variant, manifest, layers)
        detail = image_detail_get(manifest=manifest)
        data.update(
            {
                "media_type": manifest.media_type,
                "os_name": manifest.os_name,
                "created": manifest.image_created_at,
                "package_count": detail.package_count,
                "vulnerabilities": {value: count for value, _, count in detail.severity_counts},
                "lineage": lineage_data(image_lineage(manifest=manifest, user=request.user)),
            }
        )
        return Response(ImageDetailSerializer(data).data)


@extend_schema(tags=["images"])
class PackageListView(ApiView):
    @operation("image_packages", paginated(PackageSerializer), BAD_OR_MISSING, parameters=IMAGE_PACKAGES)
    def get(self, request, namespace: str, name: str, digest: str):
        """The packages of an image, with the layer that introduced each."""
        manifest = image_for(request, namespace, name, digest)
        packages = package_list(
            manifest=manifest,
            name_filter=query_text(request, "name", limit=200),
            type_filter=query_text(request, "type", limit=32),
        )
        return self.page(request, packages, PackageSerializer, lambda page: [package_data(p) for p in page])


@extend_schema(tags=["images"])
class VulnerabilityListView(ApiView):
    @operation(
        "image_vulnerabilities", paginated(VulnerabilitySerializer), BAD_OR_MISSING, parameters=IMAGE_VULNERABILITIES
    )
    def get(self, request, namespace: str, name: str, digest: str):
        """Known vulnerabilities of the image's packages, most severe first."""
        manifest = image_for(request, namespace, name, digest)
        findings = finding_list(
            manifest=manifest,
            fixable_only=bool(query_flag(request, "fixable")),
            severity=query_choice(request, "severity", Severity.values),
            search=query_text(request, "search", limit=200),
        )
        return self.page(request, findings, VulnerabilitySerializer, lambda page: [finding_data(f) for f in page])


@extend_schema(tags=["images"])
class SbomView(ApiView):
    @operation("image_sbom", OpenApiTypes.OBJECT, BAD_OR_MISSING, parameters=IMAGE_SBOM)
    def get(self, request, namespace: str, name: str, digest: str):
        """Software bill of materials: CycloneDX 1.6 or SPDX 2.3 JSON."""
        manifest = image_for(request, namespace, name, digest)
        # `format` is also DRF's renderer override; `sbom_format` is accepted as a synonym.
        synonym = "format" if request.query_params.get("format") else "sbom_format"
        chosen = query_choice(request, synonym, SBOM_FORMATS, "cyclonedx")
        return Response(manifest_sbom(manifest=manifest, fmt=chosen))
