"""Tar headers that Python's tarfile reads whole into memory, and the other ways an archive can make
the walk allocate or loop without bound: each one over its limit is refused with the reason, and
each one just within it is read as before.

The layers are built byte by byte (tests/helpers/hostile.py), gzip'd like pushed layers.
"""

import gzip
import io
import tarfile
import tracemalloc

import pytest

from images.indexing.layers import collect_files
from images.indexing.limits import CorruptLayer, HostileLayer, LayerLimits
from images.indexing.tarstream import iter_layer, open_layer
from tests.helpers.hostile import END, extension, header, long_name_layer_file, member, pax_payload

GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
LIMITS = LayerLimits(max_header_bytes=2048)  # small, so that a header at the limit is quick to build
L, K, X, G = tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE


def entries(tar: bytes, limits: LayerLimits = LIMITS) -> list[tuple[str, str, int, str]]:
    layer = io.BytesIO(gzip.compress(tar))
    return [(e.path, e.kind, e.size, e.link_target) for e in iter_layer(layer, GZIP, limits)]


def padded_pax(keyword: str, size: int) -> bytes:
    """One PAX record of exactly ``size`` bytes."""
    for value_length in range(size, 0, -1):
        payload = pax_payload({keyword: "v" * value_length})
        if len(payload) == size:
            return payload
    raise AssertionError(size)


def long_name(size: int) -> bytes:
    """A GNU long-name payload of ``size`` bytes: the path and its NUL."""
    return b"d/" + b"n" * (size - 3) + b"\0"


# (kind of header, a layer whose header payload is `size` bytes, what the entry then looks like)
HEADERS = [
    pytest.param(
        "GNU long-name",
        lambda size: extension(L, long_name(size)) + member("short", b"1") + END,
        lambda size: ("d/" + "n" * (size - 3), "file", 1, ""),
        id="gnu-long-name",
    ),
    pytest.param(
        "GNU long-link",
        lambda size: extension(K, b"t" * (size - 1) + b"\0") + member("link", kind=tarfile.SYMTYPE) + END,
        lambda size: ("link", "symlink", 0, "t" * (size - 1)),
        id="gnu-long-link",
    ),
    pytest.param(
        "PAX",
        lambda size: extension(X, padded_pax("comment", size)) + member("file", b"12") + END,
        lambda size: ("file", "file", 2, ""),
        id="pax",
    ),
    pytest.param(
        "global PAX",
        lambda size: extension(G, padded_pax("comment", size)) + member("file", b"12") + END,
        lambda size: ("file", "file", 2, ""),
        id="global-pax",
    ),
]


@pytest.mark.parametrize("kind, layer, entry", HEADERS)
def test_a_header_over_the_limit_is_hostile_before_it_is_read(kind, layer, entry):
    with pytest.raises(HostileLayer) as raised:
        entries(layer(2049))
    assert raised.value.reason == f"{kind} tar header of 2049 bytes exceeds the 2 KiB limit"
    assert not isinstance(raised.value, CorruptLayer)


@pytest.mark.parametrize("kind, layer, entry", HEADERS)
def test_a_header_at_the_limit_is_read(kind, layer, entry):
    assert entries(layer(2048)) == [entry(2048)]


@pytest.fixture(scope="module")
def gib_long_name_layer(tmp_path_factory):
    return long_name_layer_file(tmp_path_factory.mktemp("hostile"))


def test_a_one_gib_long_name_fails_the_walk_with_memory_bounded(gib_long_name_layer):
    assert gib_long_name_layer.stat().st_size < 2 << 20  # 1 GiB of one byte compresses to about 1 MB
    tracemalloc.start()
    try:
        with open(gib_long_name_layer, "rb") as layer, pytest.raises(HostileLayer) as raised:
            collect_files([(3, layer, GZIP)], lambda *entry: True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(raised.value) == "layer 3: GNU long-name tar header of 1073741824 bytes exceeds the 1 MiB limit"
    assert peak < 16 << 20  # tarfile alone would have read the whole GiB


def test_a_long_name_and_a_long_link_before_one_entry_are_read():
    tar = extension(L, b"usr/lib/x.so\0") + extension(K, b"x.so.1\0") + member("x", kind=tarfile.SYMTYPE) + END
    assert entries(tar) == [("usr/lib/x.so", "symlink", 0, "x.so.1")]


def test_headers_chained_without_end_are_hostile_not_a_recursion_error():
    # tarfile follows each extension header into the next one recursively.
    tar = b"".join(extension(L, b"a\0") for _ in range(5000)) + member("x") + END
    with pytest.raises(HostileLayer, match="more than 8 tar headers in a row before one entry"):
        entries(tar, LayerLimits())


def test_a_header_chain_at_the_limit_is_read():
    tar = b"".join(extension(X, pax_payload({"comment": str(i)})) for i in range(7)) + extension(L, b"y\0")
    assert entries(tar + member("x") + END) == [("y", "file", 0, "")]


def test_malformed_pax_records_are_corrupt_not_quadratic():
    # Python < 3.12.6 reads "2 2 2 ... =" as half a million keywords, each the rest of the header.
    with pytest.raises(CorruptLayer, match="malformed PAX header record"):
        entries(extension(X, b"2 " * 500_000 + b"=\n") + member("x") + END, LayerLimits())


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"3 a=\n", id="length-too-short"),
        pytest.param(b"99 path=x\n", id="length-past-the-end"),
        pytest.param(b"9 pathx\n\n", id="no-equals"),
        pytest.param(b"10 path=xx", id="no-newline"),
        pytest.param(b"x path=y\n", id="no-length"),
    ],
)
def test_pax_record_framing_is_checked(payload):
    with pytest.raises(CorruptLayer, match="malformed PAX header record"):
        entries(extension(X, payload) + member("x") + END)


def test_pax_records_are_bounded():
    many = pax_payload({f"k{i}": "v" for i in range(257)})
    with pytest.raises(HostileLayer, match="PAX tar header of more than 256 records"):
        entries(extension(X, many) + member("x") + END, LayerLimits())
    assert entries(extension(X, pax_payload({f"k{i}": "v" for i in range(256)})) + member("x") + END, LayerLimits())


def test_global_pax_headers_are_bounded_together():
    # Each global header applies to every later entry, and each adds to the ones before.
    tar = b"".join(
        extension(G, pax_payload({f"k{j}-{i}": "v" for i in range(100)})) + member(f"x{j}") for j in range(3)
    )
    with pytest.raises(HostileLayer, match="global PAX tar headers of more than 256 records in one layer"):
        entries(tar + END, LayerLimits())
    tar = b"".join(extension(G, padded_pax("comment", 1500)) + member(f"x{j}") for j in range(2))
    with pytest.raises(HostileLayer, match="global PAX tar headers of 3000 bytes exceed the 2 KiB limit"):
        entries(tar + END)


def test_pax_path_and_size_still_apply():
    tar = extension(X, pax_payload({"path": "usr/share/é/long" + "x" * 200, "size": "3"})) + member("short", b"abc")
    assert entries(tar + END) == [("usr/share/é/long" + "x" * 200, "file", 3, "")]


def test_an_entry_claiming_more_than_a_layer_holds_is_hostile_not_an_endless_skip():
    # tarfile would skip towards byte 2**80 one empty read at a time.
    with pytest.raises(
        HostileLayer, match=r"layer expands to more than 16 GiB \('x' of 1208925819614629174706176 bytes"
    ):
        entries(header("x", tarfile.REGTYPE, 2**80) + END, LayerLimits())


def gnu_sparse(name: str, extended_blocks: int) -> bytes:
    """An old GNU sparse header ('S') whose map goes on in ``extended_blocks`` more blocks."""
    block = bytearray(header(name, tarfile.GNUTYPE_SPARSE))
    block[482] = 1 if extended_blocks else 0
    block[148:156] = b"        "
    block[148:156] = b"%06o\0 " % sum(block)
    extension_block = bytearray(512)
    extension_block[504] = 1
    blocks = [bytes(extension_block)] * (extended_blocks - 1) + [bytes(512)] if extended_blocks else []
    return bytes(block) + b"".join(blocks)


def test_sparse_entries_are_walked_past_never_read():
    tar = gnu_sparse("var/log/lastlog", 3) + member("after", b"x")
    pax_sparse = extension(X, pax_payload({"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "s"}))
    tar += pax_sparse + member("GNUSparseFile.0/s", b"1\n0\n512\n") + member("last", b"y")
    assert [(path, kind) for path, kind, *_ in entries(tar + END)] == [
        ("var/log/lastlog", "other"),
        ("after", "file"),
        ("s", "other"),
        ("last", "file"),
    ]


def test_an_endless_sparse_map_is_corrupt_and_not_kept():
    with pytest.raises(CorruptLayer, match="unexpected end of data in a sparse map"):
        entries(gnu_sparse("hole", 100_000)[:-512])


@pytest.mark.parametrize(
    "tar, what",
    [
        pytest.param(extension(L, b"a" * 4097 + b"\0") + member("x") + END, "path", id="path"),
        pytest.param(
            extension(K, b"a" * 4097 + b"\0") + member("x", kind=tarfile.SYMTYPE) + END, "link target", id="link"
        ),
    ],
)
def test_paths_longer_than_path_max_are_hostile(tar, what):
    with pytest.raises(HostileLayer, match=f"^{what} of 4097 characters exceeds the 4096-character limit"):
        entries(tar, LayerLimits())


def test_a_path_of_path_max_is_read():
    assert entries(extension(L, b"a" * 4096 + b"\0") + member("x") + END, LayerLimits()) == [
        ("a" * 4096, "file", 0, "")
    ]


def test_kept_paths_and_link_targets_are_bounded():
    links = b"".join(member(f"l{i}", kind=tarfile.SYMTYPE, linkname="t" * 1000) for i in range(20))
    layer = io.BytesIO(gzip.compress(links + END))
    with pytest.raises(HostileLayer, match="more than 16 KiB of paths and link targets to keep"):
        collect_files([(0, layer, GZIP)], lambda *entry: False, limits=LayerLimits(max_names_bytes=16 << 10))


def test_replaced_paths_are_only_remembered_when_a_lower_layer_has_them():
    # A layer of new files remembers none of them: what it replaces below is all that matters.
    lower = member("etc/a", b"0") + member("etc/l", kind=tarfile.SYMTYPE, linkname="a") + END
    upper = member("etc/a", kind=tarfile.SYMTYPE, linkname="b") + member("etc/l", b"1") + member("new", b"2") + END
    image = collect_files(
        [(0, io.BytesIO(gzip.compress(lower)), GZIP), (1, io.BytesIO(gzip.compress(upper)), GZIP)],
        lambda path, mode, size: path != "etc/l",
    )
    assert image.paths() == ["new"] and image.symlinks == {"etc/a": "b"}


def test_headers_are_not_kept_once_the_walk_moves_on():
    many = gzip.compress(b"".join(member(f"usr/share/f{i}") for i in range(50_000)) + END)
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_layer(io.BytesIO(many), GZIP))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 8 << 20  # tarfile keeps every header it read: these would be 28 MB


def test_the_decompressed_stream_itself_is_bounded():
    bomb = gzip.compress(bytes(8 << 20))
    with pytest.raises(HostileLayer, match=r"layer expands to more than 1 MiB \(decompression bomb\?\)"):
        open_layer(io.BytesIO(bomb), GZIP, LayerLimits(max_layer_bytes=1 << 20)).read()
