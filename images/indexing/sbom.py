"""Software bills of materials for an indexed image: CycloneDX 1.6 JSON (built with
cyclonedx-python-lib) and SPDX 2.3 JSON (written here: the document is plain JSON and spdx-tools
would add a heavy dependency for no gain).

Each package carries where it was found: its path and the index of the layer that introduced it.

Bounds: nothing here parses what an image holds; the documents are written from packages the
parsers already read within their limits (``packages``), flat strings that do not nest.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from .licenses import combine, spdx_expression
from .packages import Package

TOOL_NAME = "hub"
_LICENSE_ID = re.compile(r"^[A-Za-z0-9.-]+$")
_LICENSE_REF = re.compile(r"\bLicenseRef-[A-Za-z0-9.-]+")


@dataclass(frozen=True)
class ImageRef:
    name: str  # repository, e.g. "library/debian"
    digest: str  # manifest digest, "sha256:..."
    tag: str = ""


def spdx_license_expression(licenses: Iterable[str]) -> str | None:
    """One valid SPDX expression for the declared licenses (each of them applies: AND), or None
    when any is free text."""
    parts = [spdx_expression(text) for text in licenses]
    if not parts or None in parts:
        return None
    return combine(parts)


def _cyclonedx_licenses(package: Package) -> list:
    # CycloneDX: a lone SPDX id goes in license.id, anything else SPDX (an expression, a
    # LicenseRef) in expression, and free text in license.name.
    if expression := spdx_license_expression(package.licenses):
        if _LICENSE_ID.match(expression) and not expression.startswith("LicenseRef-"):
            return [DisjunctiveLicense(id=expression)]
        return [LicenseExpression(expression)]
    return [DisjunctiveLicense(name=text) for text in package.licenses]


def _bom_ref(index: int, package: Package) -> str:
    # One purl can be found at several paths (two virtualenvs); refs must be unique in a BOM.
    return f"{package.purl}#{index}" if package.purl else f"package-{index}"


def cyclonedx_document(packages: list[Package], image: ImageRef, created: datetime | None = None) -> dict:
    bom = Bom()
    bom.metadata.timestamp = created or datetime.now(UTC)
    bom.metadata.component = Component(
        type=ComponentType.CONTAINER,
        name=image.name,
        version=image.digest,
        bom_ref=f"image:{image.name}@{image.digest}",
        purl=PackageURL(
            type="oci",
            name=image.name.rsplit("/", 1)[-1],
            version=image.digest,
            qualifiers={"repository_url": image.name, **({"tag": image.tag} if image.tag else {})},
        ),
    )
    components = []
    for index, package in enumerate(packages):
        properties = [Property(name="hub:package:path", value=package.path)]
        if package.layer_index is not None:
            properties.append(Property(name="hub:package:layer_index", value=str(package.layer_index)))
        if package.source_name and package.source_name != package.name:
            properties.append(Property(name="hub:package:source_name", value=package.source_name))
        components.append(
            Component(
                type=ComponentType.LIBRARY,
                name=package.name,
                version=package.version,
                purl=PackageURL.from_string(package.purl) if package.purl else None,
                bom_ref=_bom_ref(index, package),
                licenses=_cyclonedx_licenses(package),
                properties=properties,
            )
        )
        bom.components.add(components[-1])
    # Everything found is in the image, directly as far as the indexer knows.
    bom.register_dependency(bom.metadata.component, components)
    return json.loads(JsonV1Dot6(bom).output_as_string())


def _spdx_id(text: str) -> str:
    # SPDX identifiers allow letters, digits, "." and "-" only.
    return "".join(character if character.isalnum() or character in ".-" else "-" for character in text)


def spdx_document(
    packages: list[Package],
    image: ImageRef,
    namespace: str = "https://hub.example/spdx",
    created: datetime | None = None,
) -> dict:
    """An SPDX 2.3 JSON document (as a dict): the image as a package that CONTAINS every package.

    ``namespace`` should be the hub's own URL: with the digest it makes the document namespace
    unique, as SPDX requires.
    """
    created = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    image_id = "SPDXRef-Image"
    spdx_packages = [
        {
            "SPDXID": image_id,
            "name": image.name,
            "versionInfo": image.digest,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "primaryPackagePurpose": "CONTAINER",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
        }
    ]
    relationships = [
        {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": image_id}
    ]
    license_refs: dict[str, None] = {}
    for index, package in enumerate(packages):
        package_id = f"SPDXRef-Package-{package.type}-{_spdx_id(package.name)}-{index}"
        declared = spdx_license_expression(package.licenses)
        license_refs.update(dict.fromkeys(_LICENSE_REF.findall(declared or "")))
        where = f"found at /{package.path}"
        if package.layer_index is not None:
            where += f" in layer {package.layer_index}"
        entry = {
            "SPDXID": package_id,
            "name": package.name,
            "versionInfo": package.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "primaryPackagePurpose": "LIBRARY",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": declared or "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "sourceInfo": where,
        }
        if package.purl:
            entry["externalRefs"] = [
                {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": package.purl}
            ]
        spdx_packages.append(entry)
        relationships.append(
            {"spdxElementId": image_id, "relationshipType": "CONTAINS", "relatedSpdxElement": package_id}
        )
    document = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{image.name}@{image.digest}",
        "documentNamespace": f"{namespace.rstrip('/')}/{image.name}/{image.digest}",
        "creationInfo": {"created": created.strftime("%Y-%m-%dT%H:%M:%SZ"), "creators": [f"Tool: {TOOL_NAME}"]},
        "packages": spdx_packages,
        "relationships": relationships,
    }
    if license_refs:
        # SPDX 2.3 (10.1): every LicenseRef used must be declared with its text; the name the
        # package gave is all an image holds of it (syft writes the same).
        document["hasExtractedLicensingInfos"] = [
            {
                "licenseId": ref,
                "name": ref.removeprefix("LicenseRef-"),
                "extractedText": ref.removeprefix("LicenseRef-"),
            }
            for ref in license_refs
        ]
    return document
