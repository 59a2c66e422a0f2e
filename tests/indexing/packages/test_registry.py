from pathlib import Path

import pytest

from images.indexing import packages
from images.indexing.osrelease import OsRelease

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.parametrize(
    "path, mode, size, expected",
    [
        ("var/lib/dpkg/status", 0o644, 10, True),
        ("lib/apk/db/installed", 0o644, 10, True),
        ("var/lib/rpm/rpmdb.sqlite", 0o644, 10, True),
        ("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", 0o644, 10, True),
        ("app/node_modules/left-pad/package.json", 0o644, 10, True),
        ("opt/app.jar", 0o644, 10, True),
        ("opt/huge.jar", 0o644, packages.MAX_BINARY_BYTES + 1, False),
        ("usr/local/bin/tool", 0o755, 5_000_000, True),
        ("usr/share/doc/README", 0o644, 10, False),
    ],
)
def test_is_interesting(path, mode, size, expected):
    assert packages.is_interesting(path, mode, size) is expected


def test_parse_file_dispatches_by_path_and_content():
    status = (FIXTURES / "dpkg" / "debian-12-excerpt.status").read_bytes()
    distro = packages.distro_for(OsRelease(id="debian", version_id="12"))
    assert len(packages.parse_file("var/lib/dpkg/status", status, distro)) == 6
    go = (FIXTURES / "golang" / "skopeo.buildinfo").read_bytes()
    assert [p.name for p in packages.parse_file("usr/bin/skopeo", go)] == ["stdlib"]
    assert packages.parse_file("etc/motd", b"hello") == []


def test_excerpt_drops_executables_that_are_not_go():
    assert packages.excerpt("usr/bin/script", b"#!/bin/sh\n") is None
    assert packages.excerpt("var/lib/dpkg/status", b"Package: x\n") == b"Package: x\n"


def test_package_databases_fail_the_image_and_other_files_are_skipped():
    # The decision the inventory applies to a file its parser cannot read (packages/__init__.py).
    assert {parser.name: parser.fails_image for parser in (*packages.PARSERS, packages.GO_BINARY)} == {
        "dpkg database": True,
        "apk database": True,
        "rpm database": True,
        "Python METADATA": False,
        "package.json": False,
        "gemspec": False,
        "Java archive": False,
        "Go binary": False,
    }


@pytest.mark.parametrize(
    "path, mode, limit",
    [
        ("var/lib/dpkg/status", 0o644, 64 << 20),
        ("app/node_modules/a/package.json", 0o644, 1 << 20),
        ("opt/app.jar", 0o644, packages.MAX_BINARY_BYTES),
    ],
)
def test_files_are_read_only_within_their_parser_limit(path, mode, limit):
    assert packages.matching_parser(path, mode, limit + 1).max_bytes == limit
    assert packages.is_interesting(path, mode, limit)
    assert not packages.is_interesting(path, mode, limit + 1)
