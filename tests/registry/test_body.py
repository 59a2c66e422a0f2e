"""Request bodies read from gunicorn's socket: exactly the body, buffered bytes first, pipelined
requests left for gunicorn, a short body marked so gunicorn closes the connection."""

import hashlib
import socket
import threading

import pytest
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import SocketUnreader

from images.registry.body import GunicornBody, StreamBody, gunicorn_body
from images.services.uploads import HashingReader

NEXT_REQUEST = b"GET /v2/ HTTP/1.1\r\nHost: hub\r\n\r\n"


class FakeRequest:
    def __init__(self, meta):
        self.META = meta
        self._read_started = False


@pytest.fixture
def connection():
    server, client = socket.socketpair()
    yield server, client
    server.close()
    client.close()


def gunicorn_request(server, length: int, buffered: bytes = b"") -> FakeRequest:
    unreader = SocketUnreader(server)
    if buffered:
        unreader.unread(buffered)  # what the header parse read past the headers
    return FakeRequest({"gunicorn.socket": server, "wsgi.input": Body(LengthReader(unreader, length))})


def test_body_read_from_the_socket_stops_at_its_end(connection):
    server, client = connection
    data = bytes(range(256)) * 4096  # 1 MiB
    request = gunicorn_request(server, len(data), buffered=data[:1000])
    # More than a socket buffer holds: the client sends while the body is read.
    sender = threading.Thread(target=client.sendall, args=(data[1000:] + NEXT_REQUEST,))
    sender.start()
    body = gunicorn_body(request)
    assert isinstance(body, GunicornBody)
    assert request._read_started

    reader = HashingReader(body, limit=len(data))
    buffer = bytearray(64 * 1024)
    received = bytearray()
    while count := reader.readinto(buffer):
        received += buffer[:count]
    sender.join()
    assert received == data
    assert reader.digest == "sha256:" + hashlib.sha256(data).hexdigest()
    # gunicorn sees the body consumed, and the pipelined request is still there for it.
    wsgi_input = request.META["wsgi.input"]
    assert wsgi_input.read() == b""
    assert not getattr(wsgi_input, "failed", False)
    assert wsgi_input.reader.unreader.read(len(NEXT_REQUEST)) == NEXT_REQUEST


def test_pipelined_bytes_already_buffered_are_not_part_of_the_body(connection):
    server, client = connection
    request = gunicorn_request(server, 5, buffered=b"hello" + NEXT_REQUEST)
    body = gunicorn_body(request)
    assert body.read() == b"hello"
    assert body.readinto(bytearray(10)) == 0
    assert request.META["wsgi.input"].reader.unreader.read(len(NEXT_REQUEST)) == NEXT_REQUEST


def test_read_returns_the_whole_body(connection):
    server, client = connection
    request = gunicorn_request(server, 11, buffered=b"hel")
    client.sendall(b"lo world")
    assert gunicorn_body(request).read(11) == b"hello world"


def test_a_short_body_closes_the_connection(connection):
    server, client = connection
    request = gunicorn_request(server, 100)
    client.sendall(b"only ten b")
    client.shutdown(socket.SHUT_WR)
    reader = HashingReader(gunicorn_body(request), limit=100)
    buffer = bytearray(64)
    total = 0
    while count := reader.readinto(buffer):
        total += count
    assert total == 10 and reader.count == 10
    assert request.META["wsgi.input"].failed is True


def test_other_servers_and_started_bodies_use_the_stream(connection):
    server, _ = connection
    assert gunicorn_body(FakeRequest({"wsgi.input": object()})) is None
    started = gunicorn_request(server, 5)
    started._read_started = True
    assert gunicorn_body(started) is None


def test_stream_body_readinto():
    import io

    body = StreamBody(io.BytesIO(b"abcdef"))
    buffer = bytearray(4)
    assert body.readinto(buffer) == 4 and buffer == b"abcd"
    assert body.readinto(buffer) == 2 and buffer[:2] == b"ef"
    assert body.readinto(buffer) == 0
