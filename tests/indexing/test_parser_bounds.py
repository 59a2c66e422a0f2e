"""Every parser on a hostile file, through the whole inventory: a package database that is unreadable
or beyond its limits fails the image with the reason, any other file is skipped with the reason and
the rest of the image is still indexed (the decision is in images/indexing/packages/__init__.py)."""

import gzip
import io
import sqlite3
import struct
import zipfile
from pathlib import Path

import pytest

from images.indexing.inventory import Skipped, index_layers
from images.indexing.limits import CorruptLayer, HostileLayer
from images.indexing.packages import golang
from tests.helpers.hostile import big_file_layer

from .test_layers import GZIP, tar_of

FIXTURES = Path(__file__).parent / "fixtures"
SIX = "usr/lib/python3/dist-packages/six-1.17.0.dist-info/METADATA"
SIX_METADATA = (FIXTURES / "python" / "six-1.17.0.dist-info" / "METADATA").read_bytes()
RPMDB = "var/lib/rpm/rpmdb.sqlite"


def inventory_of(*layers: bytes):
    """Each layer is a plain tar (gzip'd here) or an already gzip'd one."""
    blobs = [layer if layer.startswith(b"\x1f\x8b") else gzip.compress(layer) for layer in layers]
    return index_layers((index, io.BytesIO(blob), GZIP) for index, blob in enumerate(blobs))


def with_six(*members) -> bytes:
    """A layer holding the hostile file and a good package beside it."""
    return tar_of((SIX, SIX_METADATA), *members)


def sqlite_bytes(*statements: str) -> bytes:
    connection = sqlite3.connect(":memory:")
    for statement in statements:
        connection.execute(statement)
    return connection.serialize()


def nested_jar_bomb() -> bytes:
    """Three nested jars that each inflate to 100 MiB: together past what one archive may inflate."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("zeros.bin", bytes(100 << 20))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(3):
            archive.writestr(f"BOOT-INF/lib/part{index}.jar", inner.getvalue())
    return outer.getvalue()


def go_build_info(version_bytes: int) -> bytes:
    """Inline build info (Go 1.18+) whose version string is ``version_bytes`` long."""
    length = bytearray()
    value = version_bytes
    while value >= 0x80:
        length.append(value & 0x7F | 0x80)
        value >>= 7
    length.append(value)
    return golang.MAGIC + b"\x08\x02" + bytes(16) + bytes(length) + b"g" * version_bytes + b"\x00"


def stanzas(count: int, template: str) -> bytes:
    return "".join(template.format(i) for i in range(count)).encode()


# (a function building the layer, the file, the reason it is skipped)
SKIPPED = [
    pytest.param(
        lambda: with_six(("app/node_modules/deep/package.json", b"[" * 100_000 + b"]" * 100_000)),
        "app/node_modules/deep/package.json",
        "package.json is nested deeper than 64 levels",
        id="npm-100000-deep",
    ),
    pytest.param(
        lambda: with_six(
            ("app/node_modules/big/package.json", b'{"name":"big","version":"1","x":"' + b"y" * (1 << 20) + b'"}')
        ),
        "app/node_modules/big/package.json",
        "1048611 bytes, more than the 1 MiB a package.json may be",
        id="npm-oversize",
    ),
    pytest.param(
        lambda: with_six(("app/node_modules/bad/package.json", b"{not json")),
        "app/node_modules/bad/package.json",
        "package.json is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        id="npm-not-json",
    ),
    pytest.param(
        lambda: with_six(("usr/lib/python3/dist-packages/big-1.dist-info/METADATA", b"Name: big\n" + b"x" * (4 << 20))),
        "usr/lib/python3/dist-packages/big-1.dist-info/METADATA",
        "4194314 bytes, more than the 4 MiB a Python METADATA may be",
        id="python-oversize",
    ),
    pytest.param(
        lambda: with_six(("usr/lib/ruby/gems/3.1.0/specifications/big-1.gemspec", b" \n" * (1 << 19) + b"s")),
        "usr/lib/ruby/gems/3.1.0/specifications/big-1.gemspec",
        "1048577 bytes, more than the 1 MiB a gemspec may be",
        id="ruby-oversize",
    ),
    pytest.param(
        lambda: with_six(("opt/app/broken.jar", b"not a zip at all")),
        "opt/app/broken.jar",
        "not a readable zip archive: File is not a zip file",
        id="java-not-a-zip",
    ),
    pytest.param(
        lambda: with_six(("opt/app/bomb.jar", nested_jar_bomb())),
        "opt/app/bomb.jar",
        "inflates to more than 256 MiB (zip bomb?)",
        id="java-nested-zip-bomb",
    ),
    pytest.param(
        lambda: with_six(("opt/app/wide.jar", b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, 17 << 20, 0, 0))),
        "opt/app/wide.jar",
        "zip directory of 17825792 bytes, more than the 16 MiB allowed",
        id="java-huge-central-directory",
    ),
    pytest.param(
        lambda: big_file_layer("opt/app/huge.jar", (200 << 20) + 1, b"\0"),
        "opt/app/huge.jar",
        "209715201 bytes, more than the 200 MiB a Java archive may be",
        id="java-oversize",
    ),
    pytest.param(
        lambda: with_six(("usr/local/bin/tool", go_build_info(2 << 20), 0o755)),
        "usr/local/bin/tool",
        "Go build info string of 2097152 bytes, more than the 1 MiB allowed",
        id="go-oversize-build-info",
    ),
    pytest.param(
        lambda: with_six(("etc/os-release", b"ID=debian\n" + b"#" * (64 << 10))),
        "etc/os-release",
        "65546 bytes, more than the 64 KiB an os-release file may be",
        id="os-release-oversize",
    ),
]


@pytest.mark.parametrize("layer, path, reason", SKIPPED)
def test_a_file_that_is_not_a_database_is_skipped_with_the_reason(layer, path, reason):
    inventory = inventory_of(layer())
    assert inventory.skipped == (Skipped(path, reason),)
    if path != "opt/app/huge.jar":
        assert [(p.name, p.version) for p in inventory.packages] == [("six", "1.17.0")]
    assert inventory.os_release is None


# (a function building the layer, the failure, its message)
FAILS = [
    pytest.param(
        lambda: big_file_layer("var/lib/dpkg/status", (64 << 20) + 1),
        HostileLayer,
        "layer 0: var/lib/dpkg/status: 67108865 bytes, more than the 64 MiB a dpkg database may be",
        id="dpkg-oversize",
    ),
    pytest.param(
        lambda: tar_of(("var/lib/dpkg/status", stanzas(100_001, "Package: p{}\nVersion: 1\n\n"))),
        HostileLayer,
        "layer 0: var/lib/dpkg/status: lists more than 100000 packages",
        id="dpkg-too-many-packages",
    ),
    pytest.param(
        lambda: tar_of(("lib/apk/db/installed", stanzas(100_001, "P:p{}\nV:1\n\n"))),
        HostileLayer,
        "layer 0: lib/apk/db/installed: lists more than 100000 packages",
        id="apk-too-many-packages",
    ),
    pytest.param(
        lambda: tar_of((RPMDB, b"not sqlite")),
        CorruptLayer,
        f"layer 0: {RPMDB}: not an SQLite database",
        id="rpm-not-sqlite",
    ),
    pytest.param(
        lambda: tar_of(
            (
                RPMDB,
                sqlite_bytes(
                    "CREATE VIEW Packages AS WITH RECURSIVE n(hnum) AS (SELECT 1 UNION ALL SELECT hnum + 1 FROM n) "
                    "SELECT hnum, x'00' AS blob FROM n"
                ),
            )
        ),
        CorruptLayer,
        f"layer 0: {RPMDB}: rpmdb has no Packages table",
        id="rpm-endless-view",
    ),
    pytest.param(
        lambda: tar_of(
            (
                RPMDB,
                sqlite_bytes(
                    "CREATE TABLE Packages (hnum INTEGER, blob BLOB AS (zeroblob(100000000)))",
                    "INSERT INTO Packages (hnum) VALUES (1)",
                ),
            )
        ),
        CorruptLayer,
        f"layer 0: {RPMDB}: unreadable rpmdb: string or blob too big",
        id="rpm-generated-huge-blob",
    ),
    pytest.param(
        lambda: tar_of(
            (
                RPMDB,
                sqlite_bytes(
                    "CREATE TABLE Packages (hnum INTEGER, blob)", "INSERT INTO Packages VALUES (1, 999999999)"
                ),
            )
        ),
        CorruptLayer,
        f"layer 0: {RPMDB}: a Packages row holds int, not a header blob",
        id="rpm-integer-blob",
    ),
]


@pytest.mark.parametrize("layer, failure, message", FAILS)
def test_a_package_database_beyond_its_limits_fails_the_image_with_the_reason(layer, failure, message):
    with pytest.raises(HostileLayer) as raised:
        inventory_of(layer())
    assert type(raised.value) is failure
    assert str(raised.value) == message


def test_a_database_at_the_package_limit_is_read():
    inventory = inventory_of(tar_of(("var/lib/dpkg/status", stanzas(100_000, "Package: p{}\nVersion: 1\n\n"))))
    assert len(inventory.packages) == 100_000 and inventory.skipped == ()


def test_only_the_final_version_of_a_database_decides():
    # An unreadable rpmdb that a later layer rewrote is no reason to fail the image.
    good = (FIXTURES / "rpm" / "hello-hub.rpmdb.sqlite").read_bytes()
    inventory = inventory_of(tar_of((RPMDB, b"not sqlite")), tar_of((RPMDB, good)))
    assert [(p.name, p.layer_index) for p in inventory.packages] == [("hello-hub", 1)]


def test_a_file_skipped_in_a_lower_layer_is_gone_once_rewritten():
    bad, good = b"{not json", b'{"name": "a", "version": "1"}'
    path = "app/node_modules/a/package.json"
    inventory = inventory_of(tar_of((path, bad)), tar_of((path, good)))
    assert [(p.name, p.layer_index) for p in inventory.packages] == [("a", 1)]
    assert inventory.skipped == ()
