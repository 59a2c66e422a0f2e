"""One image (a platform manifest, by digest): its layers, packages, vulnerabilities and SBOM."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from images.api.pagination import HubPagination
from images.api.parameters import IMAGE_PACKAGES, IMAGE_SBOM, IMAGE_VULNERABILITIES
from images.api.schema import BAD_OR_MISSING, MISSING
from images.api.serializers.common import paginated
from images.api.serializers.content import ImageDetailSerializer, PackageSerializer, VulnerabilitySerializer
from images.api.views.base import ApiView, repository_for
from images.api.views.tags import image_data
from images.exports import SBOM_FORMATS, manifest_sbom
from images.models import Manifest, Repository
from images.models.security import Severity
from images.selectors.images import finding_list, image_detail_get, image_manifest_get, package_list
from images.selectors.tags import layers_by_manifest

DIGEST_RE = re.compile(r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")


def manifest_or_404(repository: Repository, digest: str) -> Manifest:
    manifest = image_manifest_get(repository=repository, digest=digest) if DIGEST_RE.match(digest) else None
    if manifest is None:
        raise exceptions.NotFound(f"image {digest[:100]} not found in {repository.full_name}")
    return manifest


def _licenses(text: str) -> list[str]:
    return [part for part in (p.strip() for p in text.split(", ")) if part]


@extend_schema(tags=["images"])
class ImageDetailView(ApiView):
    @extend_schema(operation_id="image_get", responses={200: ImageDetailSerializer, **MISSING})
    def get(self, request, namespace: str, name: str, digest: str):
        """An image: platform, size, layers, package and vulnerability counts."""
        repository, _ = repository_for(request, namespace, name)
        manifest = manifest_or_404(repository, digest)
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
            }
        )
        return Response(ImageDetailSerializer(data).data)


@extend_schema(tags=["images"])
class PackageListView(ApiView):
    @extend_schema(
        operation_id="image_packages",
        parameters=IMAGE_PACKAGES,
        responses={200: paginated(PackageSerializer), **BAD_OR_MISSING},
    )
    def get(self, request, namespace: str, name: str, digest: str):
        """The packages of an image, with the layer that introduced each."""
        repository, _ = repository_for(request, namespace, name)
        manifest = manifest_or_404(repository, digest)
        packages = package_list(
            manifest=manifest,
            name_filter=request.query_params.get("name", "").strip()[:200],
            type_filter=request.query_params.get("type", "").strip()[:32],
        )
        paginator = HubPagination()
        page = paginator.paginate_queryset(packages, request, view=self)
        rows = [
            {
                "type": p.type,
                "name": p.name,
                "version": p.version,
                "purl": p.purl,
                "source_name": p.source_name,
                "source_version": p.source_version,
                "arch": p.arch,
                "licenses": _licenses(p.licenses),
                "path": p.path,
                "layer_digest": (p.layer.digest or None) if p.layer else None,
                "layer_instruction": p.layer.created_by if p.layer else None,
            }
            for p in page
        ]
        return paginator.get_paginated_response(PackageSerializer(rows, many=True).data)


@extend_schema(tags=["images"])
class VulnerabilityListView(ApiView):
    @extend_schema(
        operation_id="image_vulnerabilities",
        parameters=IMAGE_VULNERABILITIES,
        responses={200: paginated(VulnerabilitySerializer), **BAD_OR_MISSING},
    )
    def get(self, request, namespace: str, name: str, digest: str):
        """Known vulnerabilities of the image's packages, most severe first."""
        repository, _ = repository_for(request, namespace, name)
        manifest = manifest_or_404(repository, digest)
        severity = request.query_params.get("severity", "")
        if severity and severity not in Severity.values:
            raise exceptions.ValidationError({"severity": [f"one of {', '.join(Severity.values)}"]})
        fixable = request.query_params.get("fixable", "").lower()
        if fixable not in ("", "true", "false", "1", "0"):
            raise exceptions.ValidationError({"fixable": ["true or false"]})
        findings = finding_list(
            manifest=manifest,
            fixable_only=fixable in ("true", "1"),
            severity=severity,
            search=request.query_params.get("search", "").strip()[:200],
        )
        paginator = HubPagination()
        page = paginator.paginate_queryset(findings, request, view=self)
        rows = [
            {
                "id": f.vulnerability.osv_id,
                "aliases": [str(a) for a in (f.vulnerability.aliases or [])],
                "summary": f.vulnerability.summary,
                "severity": f.severity,
                "cvss_score": f.vulnerability.cvss_score,
                "cvss_vector": f.vulnerability.cvss_vector,
                "fixed_version": f.fixed_version,
                "published": f.vulnerability.published,
                "package": {"type": f.package.type, "name": f.package.name, "version": f.package.version,
                            "purl": f.package.purl},
            }
            for f in page
        ]  # fmt: skip
        return paginator.get_paginated_response(VulnerabilitySerializer(rows, many=True).data)


@extend_schema(tags=["images"])
class SbomView(ApiView):
    @extend_schema(
        operation_id="image_sbom",
        parameters=IMAGE_SBOM,
        responses={200: OpenApiTypes.OBJECT, **BAD_OR_MISSING},
    )
    def get(self, request, namespace: str, name: str, digest: str):
        """Software bill of materials: CycloneDX 1.6 or SPDX 2.3 JSON."""
        repository, _ = repository_for(request, namespace, name)
        manifest = manifest_or_404(repository, digest)
        # `format` is also DRF's renderer override; `sbom_format` is accepted as a synonym.
        chosen = request.query_params.get("format") or request.query_params.get("sbom_format") or "cyclonedx"
        if chosen not in SBOM_FORMATS:
            raise exceptions.ValidationError({"format": [f"one of {', '.join(SBOM_FORMATS)}"]})
        document = manifest_sbom(manifest=manifest, fmt=chosen)
        return Response(document)
