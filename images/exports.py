"""Exports of an indexed image: its SBOM as CycloneDX or SPDX JSON, from the stored packages.

The image page's download links and the API's `…/sbom/` both come here.
"""

from django.conf import settings

from images.indexing.packages import Package as FoundPackage
from images.indexing.sbom import ImageRef, cyclonedx_document, spdx_document
from images.models import Manifest

SBOM_FORMATS = ("cyclonedx", "spdx")


def manifest_sbom(*, manifest: Manifest, fmt: str) -> dict:
    """The SBOM document of one image manifest; `fmt` is "cyclonedx" or "spdx"."""
    if fmt not in SBOM_FORMATS:
        raise ValueError(f"unknown SBOM format {fmt!r} (use one of {', '.join(SBOM_FORMATS)})")
    # Packages name the history step that introduced them; SBOMs count content layers only.
    content_layers = [layer.pk for layer in manifest.layers.all() if not layer.empty_layer]
    layer_index = {layer_id: index for index, layer_id in enumerate(content_layers)}
    packages = [
        FoundPackage(
            name=package.name,
            version=package.version,
            type=package.type,
            purl=package.purl,
            path=package.path,
            source_name=package.source_name,
            source_version=package.source_version,
            licenses=package.license_list,
            arch=package.arch,
            layer_index=layer_index.get(package.layer_id),
        )
        for package in manifest.packages.all()
    ]
    image = ImageRef(name=manifest.repository.full_name, digest=manifest.digest)
    if fmt == "spdx":
        return spdx_document(packages, image, namespace=f"{settings.PUBLIC_URL}/spdx")
    return cyclonedx_document(packages, image)
