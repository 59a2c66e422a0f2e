"""`podman search` and `curl /v1/search` against a live Hub list what its web search page lists, in order.

Real podman and curl against Hub under gunicorn on loopback; the web page is fetched from the same
server and read for its result links.
"""

import html
import json
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.hub_server import hub_server
from tests.helpers.integration import require_binary

pytestmark = pytest.mark.integration

SEED = """
from tests.search import catalogue
catalogue.namespace("bitnami", verified=True)
catalogue.namespace("apache", sponsored=True)
catalogue.repository("library/nginx", short="Official build of Nginx.", pulls=1_000_000, stars=900,
                     platforms=("linux/amd64", "linux/arm64/v8"))
catalogue.repository("bitnami/nginx", short="Bitnami nginx", trusted="verified", pulls=5_000_000, stars=100)
catalogue.repository("alice/nginx-proxy", short="Automated reverse proxy", pulls=900)
catalogue.repository("bob/prometheus-nginx-exporter", short="Exports metrics", pulls=10_000_000)
catalogue.repository("carol/mynginxfork", pulls=1)
catalogue.repository("carol/webserver", short="A small web server built on nginx", pulls=50)
catalogue.repository("dave/static", short="Static files", readme="Served by nginx.", pulls=10**9)
catalogue.repository("apache/httpd", short="The Apache HTTP Server", trusted="sponsored", pulls=70)
catalogue.repository("library/httpd", short="The Apache HTTP Server Project", pulls=300)
catalogue.repository("library/redis", short="Redis is an in-memory database", pulls=800, stars=5)
catalogue.repository("bitnami/redis", short="Bitnami Redis", trusted="verified", pulls=2_000)
catalogue.repository("alice/private-nginx", short="Secret", private=True, pulls=10**10)
"""
QUERIES = ["nginx", "ngnix", "redis", "httpd", "library/nginx", "bitnami/redis", "web server", "proxy", "nothing-here"]
RESULT_LINK = re.compile(r'class="repo-name"><a href="([^"]+)"')


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_binary("podman")
    with hub_server(tmp_path_factory.mktemp("hub-search")) as server:
        server.user_create("alice", "alice-password-1")
        server.manage("shell", "-c", SEED)
        yield server


def web_search(hub, query: str) -> list[str]:
    """Repository names in the order the web search page shows them, as /v1/search names them."""
    with urllib.request.urlopen(f"{hub.url}/search?{urllib.parse.urlencode({'q': query})}") as response:
        page = response.read().decode()
    names = []
    for href in RESULT_LINK.findall(page):
        path = urllib.parse.unquote(html.unescape(href))
        if path.startswith("/_/"):
            names.append(path[3:])
        else:
            assert path.startswith("/r/"), path
            namespace, name = path[3:].split("/", 1)
            names.append(name if namespace == "library" else f"{namespace}/{name}")
    return names


@pytest.fixture(scope="module")
def podman():
    root = Path(tempfile.mkdtemp(prefix="hub-podman-search-", dir="/tmp"))

    def run(*args: str) -> str:
        command = [
            "podman", "--root", str(root / "root"), "--runroot", str(root / "run"), "--storage-driver", "vfs",
            "--cgroup-manager", "cgroupfs", "--events-backend", "none", *args,
        ]  # fmt: skip
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(root), "REGISTRY_AUTH_FILE": str(root / "a.json")}
        (root / "a.json").write_text('{"auths": {}}')
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
        assert result.returncode == 0, f"podman {' '.join(args)} failed:\n{result.stderr}"
        return result.stdout

    yield run
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("query", QUERIES)
def test_podman_search_lists_what_the_web_page_lists(hub, podman, query):
    expected = web_search(hub, query)
    out = podman("search", "--tls-verify=false", "--limit", "100", "--format", "json", f"{hub.host}/{query}")
    results = json.loads(out or "[]")
    assert [r["Name"] for r in results] == [f"{hub.host}/{name}" for name in expected]
    assert "alice/private-nginx" not in expected


def test_podman_search_fields(hub, podman):
    results = json.loads(podman("search", "--tls-verify=false", "--format", "json", f"{hub.host}/nginx"))
    official = results[0]
    assert official["Name"] == f"{hub.host}/nginx"  # library/ stripped, as podman shows docker.io's
    assert official["Official"] == "[OK]" and official["Stars"] == 900
    assert official["Description"].startswith("Official build of Nginx")
    names = podman("search", "--tls-verify=false", "--limit", "2", "--format", "{{.Name}}", f"{hub.host}/nginx")
    assert names.split() == [f"{hub.host}/nginx", f"{hub.host}/bitnami/nginx"]


def test_curl_as_the_docker_daemon(hub):
    curl = require_binary("curl")
    for query in QUERIES:
        url = f"{hub.url}/v1/search?{urllib.parse.urlencode({'q': query, 'n': 25})}"
        result = subprocess.run(
            [curl, "-sS", "--fail-with-body", "-H", "User-Agent: docker/27.5.1 go/go1.22.11 os/linux arch/amd64",
             "-H", "X-Docker-Token: true", "-H", "Accept-Encoding: gzip", "--compressed", url],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        body = json.loads(result.stdout)
        assert [r["name"] for r in body["results"]] == web_search(hub, query)
        assert body["query"] == query and body["page_size"] == 25
    # Logged in (Basic, as docker sends with X-Docker-Token): the private repository appears too.
    result = subprocess.run(
        [curl, "-sS", "-u", "alice:alice-password-1", "-H", "X-Docker-Token: true", f"{hub.url}/v1/search?q=private"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert [r["name"] for r in json.loads(result.stdout)["results"]] == ["alice/private-nginx"]
    ping = subprocess.run([curl, "-sS", "-i", f"{hub.url}/v1/_ping"], capture_output=True, text=True, check=True)
    assert "X-Docker-Registry-Version" in ping.stdout
