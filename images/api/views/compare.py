"""Comparing two platform images (any two the caller may read), and a namespace's storage use."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from images.api.parameters import IMAGE_COMPARE
from images.api.query import query_text
from images.api.schema import BAD_OR_MISSING, ERRORS, operation
from images.api.serializers.diff import CompareSerializer, StorageUseSerializer
from images.api.views.base import ApiView, found, repository_for, require_write
from images.selectors.diff import RefError, ResolvedImage, image_compare
from images.selectors.repositories import namespace_get
from images.selectors.sharing import namespace_storage_use
from images.services.authorization import STORAGE_VIEW, namespace_actions


def _image(side: ResolvedImage) -> dict:
    return {
        "repository": f"{side.repository.namespace.name}/{side.repository.name}",
        "reference": side.reference,
        "tag": side.tag,
        "digest": side.manifest.digest,
        "index_digest": side.index_digest,
        "platform": side.platform,
        "platforms": side.platforms,
    }


def _layers(layers) -> list[dict]:
    return [
        {"digest": x.digest, "size": x.size, "uncompressed_size": x.uncompressed_size, "instruction": x.created_by}
        for x in layers
    ]


def _packages(changes) -> list[dict]:
    return [{"type": c.type, "name": c.name, "before": c.before or None, "after": c.after or None} for c in changes]


def _findings(findings) -> list[dict]:
    return [
        {"id": f.advisory, "package": f.package, "version": f.version, "severity": f.severity,
         "fixed_version": f.fixed_version}
        for f in findings
    ]  # fmt: skip


def compare_data(comparison) -> dict:
    diff = comparison.diff
    return {
        "before": _image(comparison.before),
        "after": _image(comparison.after),
        "layers": {
            "shared": _layers(diff.layers_shared),
            "added": _layers(diff.layers_added),
            "removed": _layers(diff.layers_removed),
        },
        "history": [{"change": step.change, "instruction": step.created_by} for step in diff.history],
        "packages": {
            "added": _packages(diff.packages_added),
            "removed": _packages(diff.packages_removed),
            "upgraded": _packages(diff.packages_upgraded),
            "downgraded": _packages(diff.packages_downgraded),
            "changed": _packages(diff.packages_changed),
        },
        "vulnerabilities": {"fixed": _findings(diff.findings_fixed), "introduced": _findings(diff.findings_introduced)},
        "size": {
            name: {"before": size.before, "after": size.after, "delta": size.delta}
            for name, size in (("compressed", diff.compressed), ("uncompressed", diff.uncompressed))
        },
        "config": [asdict(change) for change in diff.config],
        "download": {
            "full": comparison.download.full,
            "needed": comparison.download.needed,
            "blobs_total": comparison.download.blobs_total,
            "blobs_needed": comparison.download.blobs_needed,
        },
    }


@extend_schema(tags=["images"])
class CompareView(ApiView):
    @operation("image_compare", CompareSerializer, BAD_OR_MISSING, parameters=IMAGE_COMPARE)
    def get(self, request, namespace: str, name: str):
        """What changed from one platform image to another: layers, history, packages, vulnerabilities, size, config."""
        repository, _ = repository_for(request, namespace, name)
        before, after = query_text(request, "from", limit=600), query_text(request, "to", limit=600)
        if not before or not after:
            missing = "from" if not before else "to"
            raise exceptions.ValidationError({missing: "name an image: a tag, a digest or namespace/name:tag"})
        try:
            comparison = image_compare(
                user=request.user,
                repository=repository,
                before=before,
                after=after,
                platform=query_text(request, "platform", limit=200),
            )
        except RefError as error:
            raise (exceptions.ParseError if error.status == 400 else exceptions.NotFound)(error.message) from None
        return Response(CompareSerializer(compare_data(comparison)).data)


@extend_schema(tags=["repositories"])
class StorageUseView(ApiView):
    @operation("namespace_storage", StorageUseSerializer, ERRORS)
    def get(self, request, namespace: str):
        """A namespace's storage use: each blob once; per repository, the bytes it alone holds and those it shares.

        For the namespace's owners: its private repositories are counted too."""
        target = found(namespace_get(name=namespace), f"namespace {namespace[:100]} not found")
        require_write(request, STORAGE_VIEW, namespace_actions(request.user, target))
        use = namespace_storage_use(namespace=target)
        return Response(
            StorageUseSerializer(
                {
                    "namespace": target.name,
                    "total": use.total,
                    "blobs": use.blobs,
                    "sum_of_repositories": use.sum_of_repositories,
                    "repositories": [
                        {
                            "name": row.repository.name,
                            "images": row.images,
                            "total": row.total,
                            "unique": row.unique,
                            "shared": row.shared,
                        }
                        for row in use.repositories
                    ],  # fmt: skip
                }
            ).data
        )
