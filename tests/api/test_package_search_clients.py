"""Package and advisory terms from real clients against a live Hub (gunicorn on loopback): curl as the
Docker daemon calls /v1/search, and `podman search`, list what the web search page lists.

The catalogue is tests/search/indexed.py: real images stored as a push stores them and indexed by the
indexer, in the server's own database (a `manage.py shell` run).
"""

import json
import subprocess
import urllib.parse

import pytest

from tests.api.test_podman_search import podman, web_search  # noqa: F401 (podman: a fixture)
from tests.helpers.hub_server import hub_server
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration

SEED = """
import pathlib, tempfile
from tests.search import indexed
indexed.build(pathlib.Path(tempfile.mkdtemp(prefix="hub-advisories-")))
"""
QUERIES = {  # query: what /v1/search names (official images would lose library/)
    "pkg:openssl<3.0.14": {"acme/webapp", "acme/nginx"},
    "pkg:openssl>=3,<3.0.14": {"acme/webapp"},
    "pkg:pypi/jinja2@2.10": {"acme/webapp"},
    "pkg:apk/openssl": {"acme/edge"},
    "cve:CVE-2019-10906": {"acme/webapp"},
    "severity:critical": {"acme/webapp"},
    "nginx pkg:openssl<3": {"acme/nginx"},
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with hub_server(tmp_path_factory.mktemp("hub-package-search")) as server:
        server.manage("shell", "-c", SEED)
        yield server


def test_curl_as_the_docker_daemon(hub):
    curl = require_binary("curl")
    for query, expected in QUERIES.items():
        url = f"{hub.url}/v1/search?{urllib.parse.urlencode({'q': query, 'n': 25})}"
        result = subprocess.run(
            [curl, "-sS", "--fail-with-body", "-H", "User-Agent: docker/27.5.1 go/go1.22.11 os/linux arch/amd64",
             "-H", "X-Docker-Token: true", url],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        names = [r["name"] for r in json.loads(result.stdout)["results"]]
        assert set(names) == expected, query
        assert names == web_search(hub, query), query  # and in the page's order
    bad = subprocess.run(
        [curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", f"{hub.url}/v1/search?q=severity%3Aurgent"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert bad.stdout == "400"


def test_podman_search(hub, podman):  # noqa: F811 (the fixture imported above)
    require_binary("podman")
    for query, expected in QUERIES.items():
        out = podman("search", "--tls-verify=false", "--limit", "100", "--format", "json", f"{hub.host}/{query}")
        results = json.loads(out or "[]")
        assert {r["Name"] for r in results} == {f"{hub.host}/{name}" for name in expected}, query
    assert "zed/secret" not in podman("search", "--tls-verify=false", f"{hub.host}/pkg:openssl")
