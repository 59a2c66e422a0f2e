"""Request bodies for blob uploads, read with `readinto` into the caller's buffer.

Under gunicorn a body of known length is read from `wsgi.input` through two layers of BytesIO
buffers (gunicorn's unreader, then its Body), each copying every byte and allocating a fresh
bytes object per read; for a 100 MiB layer that cost more than hashing and writing it together.
`GunicornBody` first hands out whatever gunicorn has already buffered of the body, then reads
the rest with `recv_into` from the connection's socket straight into the caller's buffer, and
keeps gunicorn's own count of what is left of the body current, so the connection is reused
(or closed) exactly as if gunicorn had read the body itself. Anything else (another server,
a chunked body, a body Django has started reading) goes through `StreamBody`.
"""


class StreamBody:
    """read / readinto over a file-like object that may only have read(n)."""

    def __init__(self, source):
        self.source = source

    def read(self, size: int = -1) -> bytes:
        return self.source.read(size)

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self.source.read(len(view))
        view[: len(data)] = data
        return len(data)


class GunicornBody:
    """The rest of a Content-Length body, read from gunicorn's socket without its buffers.

    Built by `gunicorn_body`, which checks that the request's wsgi.input is gunicorn's Body over a
    LengthReader over this very socket; those attributes are what this class reads and updates.
    """

    def __init__(self, body, sock):
        self.body = body
        self.reader = body.reader
        self.unreader = body.reader.unreader
        self.sock = sock

    def _buffered(self) -> int:
        # Bytes of this body gunicorn already holds: its Body's buffer plus, of the unreader's
        # read-ahead, no more than the body has left (the rest belongs to a pipelined request).
        held = self.unreader.buf.seek(0, 2)
        return self.body.buf.tell() + min(held, self.reader.length)

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        if not len(view):
            return 0
        buffered = self._buffered()
        if buffered:
            data = self.body.read(min(len(view), buffered))
            view[: len(data)] = data
            return len(data)
        want = min(len(view), self.reader.length)
        if want <= 0:
            return 0
        try:
            count = self.sock.recv_into(view, want)
        except Exception:
            # Where the next request starts is unknown now: gunicorn closes the connection.
            self.body.failed = True
            raise
        if count == 0:
            self.body.failed = True  # the client went away before the end of the body
        self.reader.length -= count
        return count

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.body.buf.tell() + self.reader.length
        buffer = bytearray(size)
        view = memoryview(buffer)
        filled = 0
        while filled < size:
            count = self.readinto(view[filled:])
            if not count:
                break
            filled += count
        del view
        del buffer[filled:]
        return bytes(buffer)


def gunicorn_body(request):
    """A GunicornBody for the request when gunicorn serves it and nothing has read the body yet."""
    environ = request.META
    sock = environ.get("gunicorn.socket")
    if sock is None or getattr(request, "_read_started", False) or hasattr(request, "_body"):
        return None
    try:
        from gunicorn.http.body import Body, LengthReader
        from gunicorn.http.unreader import SocketUnreader
    except ImportError:
        return None
    body = environ.get("wsgi.input")
    if type(body) is not Body or type(body.reader) is not LengthReader:
        return None
    unreader = body.reader.unreader
    if type(unreader) is not SocketUnreader or unreader.sock is not sock:
        return None
    if not hasattr(body, "buf") or not hasattr(unreader, "buf") or not hasattr(sock, "recv_into"):
        return None
    # Django's own view of the body (request.read, request.body) must not be used from here on.
    request._read_started = True
    return GunicornBody(body, sock)
