"""Hub's registry next to Debian's Go `docker-registry`, on loopback, same client, same run.

Prints, for each: blob pull throughput (a 100 MiB blob, 1 and 8 parallel clients), manifest GET
by tag (req/s, 16 parallel; Hub with token auth, database and pull counting), monolithic and
chunked push throughput (100 MiB), and the tag list of a repository with 10,000 tags; then the
ratio Hub/Go. Hub runs under gunicorn with production settings, on PostgreSQL and Redis when
DATABASE_URL / REDIS_URL are set, else embedded (SQLite, pull log file).

    python bench/registry.py [--seconds 5] [--tags 10000] [--workers N] [--only pull,manifest,push,tags]
"""

import argparse
import base64
import hashlib
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
BLOB_SIZE = 100 * MIB
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
GO_CONFIG = """\
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, name: str) -> None:
    import socket

    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}") from None
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not start")


class Target:
    """One registry under test: where it listens and which headers a request needs."""

    def __init__(self, name: str, port: int, headers: dict | None = None):
        self.name, self.port, self.headers = name, port, headers or {}

    def conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)

    def request(self, method, path, body=None, headers=None):
        conn = self.conn()
        conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data


# --- workloads (module level so worker processes can run them) -----------------------------------
def _get_loop(args) -> tuple[int, int]:
    port, path, headers, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    buffer = bytearray(MIB)
    view = memoryview(buffer)
    count = total = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        if response.status in (301, 302, 307):
            response.read()
            raise RuntimeError(f"redirected: {response.getheader('Location')}")
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {response.read()[:200]}")
        while n := response.readinto(view):
            total += n
        count += 1
    conn.close()
    return count, total


def parallel_get(target: Target, path: str, clients: int, seconds: float, headers=None) -> tuple[float, float]:
    """(requests/s, bytes/s) of `clients` processes GETting `path` over keep-alive connections."""
    args = [(target.port, path, {**target.headers, **(headers or {})}, seconds)] * clients
    started = time.perf_counter()
    with multiprocessing.Pool(clients) as pool:
        results = pool.map(_get_loop, args)
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results) / elapsed, sum(r[1] for r in results) / elapsed


def blob_data(seed: str) -> bytes:
    block = hashlib.sha256(seed.encode()).digest() * (MIB // 32)
    return block * (BLOB_SIZE // MIB)


def push_monolithic(target: Target, repo: str, data: bytes) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    response, _ = target.request("POST", f"/v2/{repo}/blobs/uploads/")
    location = response.getheader("Location")
    path = urllib.parse.urlsplit(location)
    query = (path.query + "&" if path.query else "") + f"digest={digest}"
    response, body = target.request(
        "PUT", f"{path.path}?{query}", body=data, headers={"Content-Type": "application/octet-stream"}
    )
    if response.status != 201:
        raise RuntimeError(f"{target.name} monolithic push: {response.status} {body[:200]}")
    return digest


def push_chunked(target: Target, repo: str, data: bytes, chunk: int = 10 * MIB) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    response, _ = target.request("POST", f"/v2/{repo}/blobs/uploads/")
    location = response.getheader("Location")
    for start in range(0, len(data), chunk):
        piece = data[start : start + chunk]
        path = urllib.parse.urlsplit(location)
        response, body = target.request(
            "PATCH",
            path.path + (f"?{path.query}" if path.query else ""),
            body=piece,
            headers={"Content-Type": "application/octet-stream", "Content-Range": f"{start}-{start + len(piece) - 1}"},
        )
        if response.status != 202:
            raise RuntimeError(f"{target.name} PATCH: {response.status} {body[:200]}")
        location = response.getheader("Location")
    path = urllib.parse.urlsplit(location)
    query = (path.query + "&" if path.query else "") + f"digest={digest}"
    response, body = target.request("PUT", f"{path.path}?{query}")
    if response.status != 201:
        raise RuntimeError(f"{target.name} chunked push: {response.status} {body[:200]}")
    return digest


def push_throughput(target: Target, repo: str, push, rounds: int = 3) -> float:
    best = 0.0
    for i in range(rounds):
        data = blob_data(f"{target.name}-{push.__name__}-{i}-{time.time()}")
        started = time.perf_counter()
        push(target, repo, data)
        best = max(best, len(data) / (time.perf_counter() - started))
    return best


def manifest_push(target: Target, repo: str, tags: list[str]) -> None:
    config = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    response, _ = target.request("POST", f"/v2/{repo}/blobs/uploads/?digest={config_digest}", body=config)
    if response.status != 201:  # the Go registry wants POST + PUT
        push_monolithic_small(target, repo, config)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": len(config),
            },
            "layers": [],
        }
    ).encode()

    def put(tag):
        response, body = target.request(
            "PUT", f"/v2/{repo}/manifests/{tag}", body=manifest, headers={"Content-Type": OCI_MANIFEST}
        )
        if response.status != 201:
            raise RuntimeError(f"{target.name} manifest PUT: {response.status} {body[:200]}")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(put, tags))


def push_monolithic_small(target: Target, repo: str, data: bytes) -> None:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    response, _ = target.request("POST", f"/v2/{repo}/blobs/uploads/")
    path = urllib.parse.urlsplit(response.getheader("Location"))
    query = (path.query + "&" if path.query else "") + f"digest={digest}"
    target.request("PUT", f"{path.path}?{query}", body=data)


# --- servers ---------------------------------------------------------------------------------------
def start_go(workdir: Path) -> tuple[subprocess.Popen, Target]:
    port = free_port()
    config = workdir / "go.yml"
    config.write_text(GO_CONFIG.format(root=workdir / "go-data", port=port))
    proc = subprocess.Popen(
        ["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_port(port, proc, "docker-registry")
    return proc, Target("go", port)


def start_hub(workdir: Path, workers: int) -> tuple[subprocess.Popen, Target]:
    port = free_port()
    env = {
        **os.environ,
        "HUB_DATA_DIR": str(workdir / "hub-data"),
        "HUB_DEMO": "0",
        "DEBUG": "0",
        "HUB_BIND": f"127.0.0.1:{port}",
        "HUB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HUB_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "hub.settings",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    code = "from hub.accounts.services import user_create; user_create(username='bench', password='bench-password-1')"
    if "DATABASE_URL" in os.environ:
        code = (
            "from hub.accounts.models import User\nif not User.objects.filter(username='bench').exists():\n    "
            + code.replace("; ", "\n    ")
        )
    subprocess.run([*manage, "shell", "-c", code], cwd=ROOT, env=env, check=True)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    proc = subprocess.Popen(
        [
            gunicorn,
            "hub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "300",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "hub.log", "w"),  # noqa: SIM115
    )
    wait_port(port, proc, "gunicorn")
    basic = base64.b64encode(b"bench:bench-password-1").decode()
    scopes = urllib.parse.urlencode(
        [("scope", f"repository:bench/{r}:pull,push,delete") for r in ("blob", "push", "tags", "manifest")]
    )
    target = Target("hub", port)
    response, body = target.request("GET", f"/token?{scopes}", headers={"Authorization": f"Basic {basic}"})
    target.headers = {"Authorization": f"Bearer {json.loads(body)['token']}"}
    return proc, target


WORKLOADS = ("pull", "manifest", "push", "tags")


def measure(target: Target, seconds: float, tag_count: int, only=WORKLOADS, rounds: int = 3) -> dict:
    ns = "bench/"
    results = {}
    if "pull" in only:
        blob = blob_data(f"pull-{target.name}")
        digest = push_monolithic(target, f"{ns}blob", blob)
        for clients in (1, 8):
            _, rate = parallel_get(target, f"/v2/{ns}blob/blobs/{digest}", clients, seconds)
            results[f"blob pull, {clients} client{'s' if clients > 1 else ''} (MiB/s)"] = rate / MIB

    if "manifest" in only:
        manifest_push(target, f"{ns}manifest", ["latest"])
        accept = {"Accept": OCI_MANIFEST}
        rate, _ = parallel_get(target, f"/v2/{ns}manifest/manifests/latest", 16, seconds, headers=accept)
        results["manifest GET by tag, 16 clients (req/s)"] = rate

    if "push" in only:
        monolithic = push_throughput(target, f"{ns}push", push_monolithic, rounds)
        results["monolithic push 100 MiB (MiB/s)"] = monolithic / MIB
        chunked = push_throughput(target, f"{ns}push", push_chunked, rounds)
        results["chunked push 100 MiB, 10 MiB chunks (MiB/s)"] = chunked / MIB

    if "tags" in only:
        manifest_push(target, f"{ns}tags", [f"v{i}" for i in range(tag_count)])
        response, body = target.request("GET", f"/v2/{ns}tags/tags/list")
        assert len(json.loads(body)["tags"]) == tag_count, body[:200]
        rate, _ = parallel_get(target, f"/v2/{ns}tags/tags/list", 4, seconds)
        results[f"tags list, {tag_count} tags, 4 clients (req/s)"] = rate
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each read measurement")
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2), help="gunicorn workers")
    parser.add_argument(
        "--only",
        default=",".join(WORKLOADS),
        help=f"comma-separated workloads to measure, of {','.join(WORKLOADS)} (default: all)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="pushes per push workload (the best one counts)")
    args = parser.parse_args(argv)
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = set(only) - set(WORKLOADS)
    if unknown or not only:
        parser.error(f"--only takes some of {','.join(WORKLOADS)}, got {args.only!r}")
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    counters = "Redis" if os.environ.get("REDIS_URL") else "log file"
    print(
        f"Hub: gunicorn {args.workers} workers x 4 threads, {backend}, pull counts in {counters};",
        f"CPUs: {os.cpu_count()}",
    )
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        workdir = Path(tmp)
        processes = []
        try:
            go_proc, go = start_go(workdir)
            processes.append(go_proc)
            hub_proc, hub = start_hub(workdir, args.workers)
            processes.append(hub_proc)
            numbers = {}
            for target in (go, hub):
                print(f"measuring {target.name} ...", flush=True)
                numbers[target.name] = measure(target, args.seconds, args.tags, only, args.rounds)
        finally:
            for proc in processes:
                proc.terminate()
                proc.wait(timeout=20)
    width = max(len(k) for k in numbers["hub"])
    print(f"\n{'':{width}}  {'Hub':>10}  {'Go':>10}  {'Hub/Go':>7}")
    for key, hub_value in numbers["hub"].items():
        go_value = numbers["go"][key]
        print(f"{key:{width}}  {hub_value:10.1f}  {go_value:10.1f}  {hub_value / go_value:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
