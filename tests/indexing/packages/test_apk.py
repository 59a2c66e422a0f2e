from pathlib import Path

import pytest

from images.indexing.packages import Distro, Package, apk

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apk"
ALPINE = Distro(namespace="alpine", qualifier="alpine-3.18.3")


def alpine(name, version, origin, license_text):
    return Package(
        name=name,
        version=version,
        type="apk",
        purl=f"pkg:apk/alpine/{name}@{version}?arch=aarch64&distro=alpine-3.18.3",
        path=apk.INSTALLED_PATH,
        source_name=origin,
        source_version=version,
        licenses=(license_text,),
        arch="aarch64",
    )


@pytest.mark.parametrize(
    "fixture, expected",
    [
        (
            "alpine-3.18-aarch64.installed",
            [
                alpine("alpine-baselayout", "3.4.3-r1", "alpine-baselayout", "GPL-2.0-only"),
                alpine("alpine-baselayout-data", "3.4.3-r1", "alpine-baselayout", "GPL-2.0-only"),
                alpine("libssl3", "3.1.2-r0", "openssl", "Apache-2.0"),
                alpine("musl", "1.2.4-r1", "musl", "MIT"),
                alpine("musl-utils", "1.2.4-r1", "musl", "MIT AND BSD-2-Clause AND GPL-2.0-or-later"),
                alpine("scanelf", "1.3.7-r1", "pax-utils", "GPL-2.0-only"),
                alpine("ssl_client", "1.36.1-r2", "busybox", "GPL-2.0-only"),
                alpine("zlib", "1.2.13-r1", "zlib", "Zlib"),
            ],
        ),
    ],
)
def test_parse_installed(fixture, expected):
    assert apk.parse_installed((FIXTURES / fixture).read_text(), distro=ALPINE) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("P:novers\n\nP:musl\nV:1.2.4-r2\n", [("musl", "1.2.4-r2", "musl")], id="missing-version"),
        pytest.param(
            "P:libcrypto3\nV:3.1.4-r5\no:openssl\n",
            [("libcrypto3", "3.1.4-r5", "openssl")],
            id="no-trailing-blank-line",
        ),
        pytest.param("", [], id="empty"),
        pytest.param("garbage\n\n:::\n", [], id="garbage"),
    ],
)
def test_parse_installed_edge_cases(text, expected):
    assert [(p.name, p.version, p.source_name) for p in apk.parse_installed(text)] == expected
