import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from images.indexing.packages import Package, apk, python
from images.indexing.sbom import ImageRef, cyclonedx_document, spdx_document, spdx_license_expression

FIXTURES = Path(__file__).parent / "fixtures"
IMAGE = ImageRef(name="library/alpine", digest="sha256:" + "ab" * 32, tag="3.18")
CREATED = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def packages():
    found = apk.parse_installed((FIXTURES / "apk" / "alpine-3.18-aarch64.installed").read_text())
    site = "usr/lib/python3.11/site-packages"
    for name in ("six-1.17.0", "six-1.17.0"):  # the same purl twice, at two paths
        path = f"{site}/{name}.dist-info/METADATA"
        found += python.parse_metadata((FIXTURES / "python" / f"{name}.dist-info" / "METADATA").read_text(), path)
    return found


def test_cyclonedx_is_valid_1_6(packages):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    document = cyclonedx_document(packages, IMAGE, created=CREATED)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(document)) is None
    assert document["metadata"]["component"]["type"] == "container"
    assert len(document["components"]) == len(packages)
    musl_utils = next(c for c in document["components"] if c["name"] == "musl-utils")
    assert musl_utils["purl"] == "pkg:apk/alpine/musl-utils@1.2.4-r1?arch=aarch64"
    assert musl_utils["licenses"] == [{"expression": "MIT AND BSD-2-Clause AND GPL-2.0-or-later"}]
    six = [c for c in document["components"] if c["name"] == "six"]
    assert six[0]["licenses"] == [{"license": {"id": "MIT"}}]  # from the classifier "MIT License"
    assert len({c["bom-ref"] for c in document["components"]}) == len(packages)


def test_spdx_document(packages):
    document = spdx_document(packages, IMAGE, namespace="https://hub.test/spdx/", created=CREATED)
    assert document["spdxVersion"] == "SPDX-2.3"
    assert document["documentNamespace"] == f"https://hub.test/spdx/library/alpine/{IMAGE.digest}"
    assert document["creationInfo"]["created"] == "2024-06-01T12:00:00Z"
    ids = [package["SPDXID"] for package in document["packages"]]
    assert len(set(ids)) == len(ids) == len(packages) + 1
    assert all(set(i) <= set("SPDXRef-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.") for i in ids)
    contains = [r for r in document["relationships"] if r["relationshipType"] == "CONTAINS"]
    assert len(contains) == len(packages)
    zlib = next(p for p in document["packages"] if p["name"] == "zlib")
    assert zlib["licenseDeclared"] == "Zlib"
    assert zlib["externalRefs"][0]["referenceLocator"] == "pkg:apk/alpine/zlib@1.2.13-r1?arch=aarch64"
    six = next(p for p in document["packages"] if p["name"] == "six")
    assert six["licenseDeclared"] == "MIT"  # the classifier "MIT License", mapped when indexed
    assert "hasExtractedLicensingInfos" not in document


@pytest.mark.parametrize(
    "licenses, expected",
    [
        (("MIT",), "MIT"),
        (("MIT", "Apache-2.0"), "MIT AND Apache-2.0"),
        (("MIT OR Apache-2.0", "BSD-3-Clause"), "(MIT OR Apache-2.0) AND BSD-3-Clause"),
        (("GPL-2.0+",), "GPL-2.0-or-later"),
        (("LicenseRef-public-domain", "MIT AND LicenseRef-public-domain"), "LicenseRef-public-domain AND MIT"),
        (("MIT", "Some Free Text"), None),
        (("The Apache License, Version 2.0",), None),
        ((), None),
    ],
)
def test_spdx_license_expression(licenses, expected):
    assert spdx_license_expression(licenses) == expected


@pytest.fixture
def debian_packages():
    def deb(name, *licenses):
        return Package(name, "1.0-1", "deb", f"pkg:deb/debian/{name}@1.0-1", "var/lib/dpkg/status", licenses=licenses)

    return [
        deb("zlib1g", "Zlib"),
        deb("bash", "GPL-3.0-or-later AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-permissive"),
        deb("tzdata", "LicenseRef-public-domain"),
        deb("perl-base", "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-public-domain"),
        deb("oddity", "Some Free Text"),
    ]


def test_cyclonedx_puts_an_id_in_id_an_expression_in_expression_and_free_text_in_name(debian_packages):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    document = cyclonedx_document(debian_packages, IMAGE, created=CREATED)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(document)) is None
    licenses = {component["name"]: component["licenses"] for component in document["components"]}
    assert licenses == {
        "zlib1g": [{"license": {"id": "Zlib"}}],
        "bash": [
            {"expression": "GPL-3.0-or-later AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-permissive"}
        ],
        "tzdata": [{"expression": "LicenseRef-public-domain"}],  # not an SPDX id: license.id would be invalid
        "perl-base": [{"expression": "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-public-domain"}],
        "oddity": [{"license": {"name": "Some Free Text"}}],
    }


def test_spdx_declares_each_licence_ref_it_uses_once(debian_packages):
    document = spdx_document(debian_packages, IMAGE, created=CREATED)
    declared = {package["name"]: package["licenseDeclared"] for package in document["packages"][1:]}
    assert declared == {
        "zlib1g": "Zlib",
        "bash": "GPL-3.0-or-later AND GPL-3.0-or-later WITH Bison-exception-2.2 AND LicenseRef-permissive",
        "tzdata": "LicenseRef-public-domain",
        "perl-base": "(GPL-1.0-or-later OR Artistic-1.0-Perl) AND LicenseRef-public-domain",
        "oddity": "NOASSERTION",
    }
    assert document["hasExtractedLicensingInfos"] == [
        {"licenseId": "LicenseRef-permissive", "name": "permissive", "extractedText": "permissive"},
        {"licenseId": "LicenseRef-public-domain", "name": "public-domain", "extractedText": "public-domain"},
    ]
