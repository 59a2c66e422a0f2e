"""The registry client against a hostile upstream (a local HTTP server answering what a registry
must not): deep or oversized JSON is an UpstreamError saying what was wrong."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from images.indexing.fetch import MAX_JSON_BYTES, RegistryClient, UpstreamError

DEEP = b"[" * 100_000 + b"]" * 100_000
ANSWERS = {
    "/v2/deep/tags/list": (200, b'{"tags": ' + DEEP + b"}"),
    "/v2/big/tags/list": (200, b'{"tags": ["' + b"x" * MAX_JSON_BYTES + b'"]}'),
    "/v2/odd/tags/list": (200, b'{"tags": "latest"}'),
    "/v2/list/tags/list": (200, b"[]"),
    "/v2/denied/tags/list": (403, b'{"errors": ' + DEEP + b"}"),
    "/v2/plain/tags/list": (404, b"404 page not found"),
}


class Hostile(BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = ANSWERS[self.path.split("?")[0]]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield RegistryClient(f"127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "repository, message",
    [
        ("deep", "tag list of deep is nested deeper than 64 levels"),
        ("big", "tag list of big larger than 4 MiB"),
        ("odd", "tag list of odd is not a list of names"),
        ("list", "tag list of list is not a JSON object"),
        ("denied", 'HTTP 403 {"errors": ' + "[" * 189),  # an error answer that is not one: its first bytes
        ("plain", "HTTP 404 404 page not found"),
    ],
)
def test_hostile_answers_are_upstream_errors(upstream, repository, message):
    with pytest.raises(UpstreamError) as raised:
        upstream.tags_list(repository)
    assert str(raised.value).endswith(message)
