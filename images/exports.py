"""Exports of an indexed image: its SBOM as CycloneDX or SPDX JSON, from the stored packages."""

from images.indexing.packages import Package as FoundPackage
from images.indexing.sbom import ImageRef, cyclonedx_document, spdx_document
from images.models import Manifest

SBOM_FORMATS = {"cdx": "CycloneDX", "spdx": "SPDX"}


def manifest_sbom(*, manifest: Manifest, fmt: str) -> dict:
    """The SBOM document of one image manifest; `fmt` is "cdx" or "spdx"."""
    packages = [
        FoundPackage(
            name=package.name,
            version=package.version,
            type=package.type,
            purl=package.purl,
            path=package.path,
            source_name=package.source_name,
            source_version=package.source_version,
            licenses=tuple(text for text in package.licenses.split(", ") if text),
            arch=package.arch,
            layer_index=package.layer.position if package.layer else None,
        )
        for package in manifest.packages.select_related("layer")
    ]
    image = ImageRef(name=manifest.repository.full_name, digest=manifest.digest)
    if fmt == "cdx":
        return cyclonedx_document(packages, image)
    if fmt == "spdx":
        return spdx_document(packages, image)
    raise ValueError(f"unknown SBOM format {fmt!r} (use one of {', '.join(SBOM_FORMATS)})")
