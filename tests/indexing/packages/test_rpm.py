import struct
from pathlib import Path

import pytest

from images.indexing.packages import Distro, Package, rpm

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rpm"


@pytest.mark.parametrize(
    "fixture, distro, expected",
    [
        (
            "hello-hub.rpmdb.sqlite",
            Distro(namespace="rocky", qualifier="rocky-9.3"),
            [
                Package(
                    name="hello-hub",
                    version="2:1.2.3-4.fixture",
                    type="rpm",
                    purl="pkg:rpm/rocky/hello-hub@1.2.3-4.fixture?arch=noarch&distro=rocky-9.3&epoch=2",
                    path="var/lib/rpm/rpmdb.sqlite",
                    source_name="hello-hub",
                    source_version="2:1.2.3-4.fixture",
                    licenses=("MIT AND Apache-2.0",),
                    arch="noarch",
                )
            ],
        ),
    ],
)
def test_parse_sqlite_rpmdb(fixture, distro, expected):
    assert rpm.parse_sqlite_rpmdb((FIXTURES / fixture).read_bytes(), distro=distro) == expected


def test_fixture_database_file_is_left_untouched():
    data = (FIXTURES / "hello-hub.rpmdb.sqlite").read_bytes()
    rpm.parse_sqlite_rpmdb(data)
    assert data[18:20] == b"\x02\x02"  # still WAL mode: the parser patched a copy


def header_blob(entries: list[tuple[int, int, bytes]]) -> bytes:
    """A header blob in rpm's layout from (tag, type, value) triples."""
    index, store = b"", b""
    for tag, kind, value in entries:
        index += struct.pack(">iiii", tag, kind, len(store), 1)
        store += value
    return struct.pack(">ii", len(entries), len(store)) + index + store


@pytest.mark.parametrize(
    "blob, expected",
    [
        pytest.param(
            header_blob(
                [
                    (1000, 6, b"bash\0"),
                    (1001, 6, b"5.1.8\0"),
                    (1002, 6, b"6.el9\0"),
                    (1022, 6, b"x86_64\0"),
                    (1044, 6, b"bash-5.1.8-6.el9.src.rpm\0"),
                ]
            ),
            rpm.RpmHeader("bash", "5.1.8", "6.el9", None, "x86_64", "", "bash-5.1.8-6.el9.src.rpm"),
            id="no-epoch",
        ),
    ],
)
def test_parse_header_blob(blob, expected):
    assert rpm.parse_header_blob(blob) == expected


@pytest.mark.parametrize(
    "blob",
    [
        pytest.param(b"", id="empty"),
        pytest.param(struct.pack(">ii", 1 << 30, 0), id="absurd-index-count"),
        pytest.param(struct.pack(">ii", 1, 100) + struct.pack(">iiii", 1000, 6, 0, 1), id="truncated-store"),
        pytest.param(header_blob([(1000, 6, b"bash\0")])[:-1] + b"", id="cut-short"),
        pytest.param(struct.pack(">ii", 1, 4) + struct.pack(">iiii", 1000, 6, 999, 1) + b"abc\0", id="offset-outside"),
        pytest.param(header_blob([(1000, 6, b"bash\0")]), id="no-version"),
    ],
)
def test_parse_header_blob_rejects_broken_blobs(blob):
    with pytest.raises(rpm.RpmHeaderError):
        rpm.parse_header_blob(blob)


@pytest.mark.parametrize("data", [b"", b"not a database", b"SQLite format 3\0" + b"\0" * 200])
def test_unreadable_database(data):
    with pytest.raises(rpm.RpmHeaderError):
        rpm.parse_sqlite_rpmdb(data)


def test_split_source_rpm():
    assert rpm._split_source_rpm("util-linux-2.37.4-15.el9.src.rpm") == ("util-linux", "2.37.4-15.el9")
