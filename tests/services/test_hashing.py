"""HashingReader and ChainReader: read and readinto give the same bytes, digests and counts."""

import hashlib
import io

from images.services.uploads import ChainReader, HashingReader


class ReadOnly:
    """A source with read(n) only (no readinto)."""

    def __init__(self, data: bytes):
        self.stream = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)


def test_readinto_hashes_and_stops_at_the_limit():
    data = bytes(range(256)) * 100
    for source in (io.BytesIO(data), ReadOnly(data)):
        reader = HashingReader(source, limit=20_000)
        buffer = bytearray(3000)
        received = bytearray()
        while count := reader.readinto(buffer):
            received += buffer[:count]
        assert received == data[:20_000]
        assert reader.count == 20_000
        assert reader.digest == "sha256:" + hashlib.sha256(data[:20_000]).hexdigest()


def test_chain_reader_read_fills_whole_reads_across_pieces():
    pieces = [b"ab", b"", b"cdefg", b"h"]
    reader = ChainReader(pieces)
    assert reader.read(3) == b"abc"
    assert reader.read(4) == b"defg"
    assert reader.read(10) == b"h"
    assert reader.read(10) == b""
    assert ChainReader(pieces).read() == b"abcdefgh"


def test_chain_reader_readinto_and_sha512():
    pieces = [b"x" * 1000, b"y" * 5, b"z" * 2000]
    reader = HashingReader(ChainReader(pieces), "sha512")
    buffer = bytearray(700)
    received = bytearray()
    while count := reader.readinto(buffer):
        received += buffer[:count]
    assert received == b"".join(pieces)
    assert reader.digest == "sha512:" + hashlib.sha512(b"".join(pieces)).hexdigest()
