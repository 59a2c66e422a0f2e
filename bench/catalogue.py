"""Catalogue benchmark: search, tags page and image page latency over HTTP, against a generated catalogue.

    python bench/catalogue.py                          # 100,000 repositories on SQLite (a temp data dir)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/catalogue.py --repositories 1000000
                                                       # PostgreSQL: a `<db>_bench_catalogue` database beside it

The catalogue is generated once per (database, size) and kept (SQLite under var/bench/, PostgreSQL in
its own database), so later runs only measure. A gunicorn process serves Hub on loopback; requests
go one at a time over a kept-alive connection. Each timing is printed with its ratio to a baseline
measured in the same run (the sign-in page: a template and no catalogue query). "first" is the first
request of a page, before the database's own caches are warm (search keeps no cache of its own:
broad queries count at most HUB_SEARCH_COUNT_CAP matches, images/search/service.py).
Targets: search p95 <= 50 ms at 1M repositories on PostgreSQL; tags page p95 <= 50 ms.
"""

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "nginx redis postgres node python alpine ubuntu debian golang openjdk mysql mariadb mongo rabbitmq kafka "
    "zookeeper elastic kibana grafana prometheus exporter proxy web api server worker agent cli tools base runtime "
    "builder operator controller gateway cache queue stream auth ldap vault consul traefik haproxy envoy jenkins "
    "gitlab runner sonar nexus registry minio etcd coredns php ruby rails django flask spring dotnet rust deno httpd "
    "tomcat jetty keycloak nextcloud wordpress drupal ghost matomo airflow spark hadoop flink nats mosquitto mqtt "
    "vector fluentd loki tempo jaeger zipkin memcached cassandra scylla clickhouse timescale influx questdb"
).split()
PROSE = (
    "a fast small secure minimal image for running production workloads with sensible defaults built from source "
    "daily and scanned the official distribution of this project includes tools metrics dashboards for monitoring "
    "your cluster lightweight reverse proxy load balancer web server database message broker search analytics"
).split()
CATEGORIES = 16
PLATFORMS = [
    ("linux", "amd64", ""),
    ("linux", "arm64", "v8"),
    ("linux", "arm", "v7"),
    ("linux", "ppc64le", ""),
    ("linux", "s390x", ""),
    ("windows", "amd64", ""),
]
BIG_TAGS = 10_000
BIG_PACKAGES = 2_000
BIG_FINDINGS = 500


# --- generation (runs in a child process with its own Django settings) -----------------------------


def generate(repositories: int, seed: int = 7) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from images.models import (
        Category,
        Finding,
        Layer,
        Manifest,
        ManifestReference,
        Namespace,
        Package,
        Repository,
        RepositoryPlatform,
        Tag,
        Vulnerability,
    )
    from images.models.content import tag_sort_key
    from images.services.search_index import repository_facets_refresh

    call_command("migrate", verbosity=0)
    if Repository.objects.count() >= repositories:
        print(f"catalogue: {Repository.objects.count():,} repositories already there", flush=True)
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    rng = random.Random(seed)
    now = timezone.now()
    started = time.monotonic()
    categories = list(Category.objects.order_by("id"))

    namespaces = [Namespace(name="library", kind="org", display_name="Official Images")]
    for i in range(max(50, repositories // 20)):
        ns = Namespace(name=f"{rng.choice(WORDS)}{i}", kind="org")
        if i % 25 == 0:
            ns.verified_until = now.replace(year=now.year + 1)
        elif i % 40 == 1:
            ns.sponsored_until = now.replace(year=now.year + 1)
        namespaces.append(ns)
    Namespace.objects.bulk_create(namespaces, batch_size=5000)
    namespaces = list(Namespace.objects.order_by("id"))
    library, others = namespaces[0], namespaces[1:]

    def trusted_of(ns) -> str:
        if ns.name == "library":
            return "official"
        if ns.verified_until:
            return "verified"
        if ns.sponsored_until:
            return "sponsored"
        return ""

    digest_counter = 0

    def digest() -> str:
        nonlocal digest_counter
        digest_counter += 1
        return "sha256:" + f"{digest_counter:064x}"

    if connection.vendor == "postgresql":
        _generate_copy(repositories, rng, now, namespaces, library, others, categories, trusted_of, digest)
    else:
        _generate_bulk(repositories, rng, now, library, others, categories, trusted_of, digest, started)

    # One repository with ten thousand tags, each an index of two platform images.
    big_ns, _ = Namespace.objects.get_or_create(name="bench", defaults={"kind": "org"})
    big = Repository.objects.create(
        namespace=big_ns, name="big-tags", short_description="Ten thousand tags", last_pushed_at=now
    )
    with transaction.atomic():
        for start in range(0, BIG_TAGS, 1000):
            indexes, children = [], []
            for _ in range(start, start + 1000):
                indexes.append(
                    Manifest(
                        repository=big,
                        digest=digest(),
                        media_type="application/vnd.oci.image.index.v1+json",
                        size=800,
                        content=b"{}",
                        is_index=True,
                        index_status="indexed",
                    )
                )
                for o, a, v in PLATFORMS[:2]:
                    children.append(_image_manifest(big.id, digest(), (o, a, v), rng.randint(10**7, 10**8)))
            Manifest.objects.bulk_create(indexes + children)
            by_digest = dict(
                Manifest.objects.filter(digest__in=[m.digest for m in indexes + children]).values_list("digest", "id")
            )
            links, tags = [], []
            for n, index in enumerate(indexes):
                i = start + n
                for position in range(2):
                    child = children[2 * n + position]
                    links.append(
                        ManifestReference(
                            parent_id=by_digest[index.digest],
                            child_id=by_digest[child.digest],
                            position=position,
                            os=child.os,
                            architecture=child.architecture,
                            variant=child.variant,
                        )
                    )
                name = (
                    f"{i // 1000}.{(i // 10) % 100}.{i % 10}"
                    if i % 7
                    else f"{i // 1000}.{(i // 10) % 100}.{i % 10}-alpine"
                )
                tags.append(
                    Tag(
                        repository=big,
                        name=name,
                        sort_key=tag_sort_key(name),
                        manifest_id=by_digest[index.digest],
                        pushed_at=now,
                    )
                )
            ManifestReference.objects.bulk_create(links)
            Tag.objects.bulk_create(tags)
    RepositoryPlatform.objects.bulk_create(
        [RepositoryPlatform(repository=big, os=o, architecture=a, variant=v) for o, a, v in PLATFORMS[:2]]
    )
    repository_facets_refresh(repository_ids=[big.id])

    # One image with two thousand packages and five hundred findings.
    with transaction.atomic():
        image = Manifest.objects.create(
            repository=big,
            digest=digest(),
            media_type="application/vnd.oci.image.manifest.v1+json",
            size=500,
            content=b"{}",
            os="linux",
            architecture="amd64",
            compressed_size=250_000_000,
            os_name="Debian GNU/Linux 12 (bookworm)",
            index_status="indexed",
        )
        Tag.objects.create(repository=big, name="big-image", manifest=image, pushed_at=now)
        layers = Layer.objects.bulk_create(
            [
                Layer(
                    manifest=image,
                    position=p,
                    empty_layer=p % 3 == 1,
                    digest="" if p % 3 == 1 else digest(),
                    size=0 if p % 3 == 1 else rng.randint(1000, 10**8),
                    created_by=f"RUN step {p} " + " ".join(rng.choices(WORDS, k=8)),
                )
                for p in range(24)
            ]
        )
        packages = Package.objects.bulk_create(
            [
                Package(
                    manifest=image,
                    layer=layers[rng.randrange(0, 24, 3)],
                    type=rng.choice(("deb", "pypi", "npm")),
                    name=f"{rng.choice(WORDS)}-{i}",
                    version=f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
                    purl=f"pkg:generic/p{i}",
                )
                for i in range(BIG_PACKAGES)
            ]
        )
        vulnerabilities = Vulnerability.objects.bulk_create(
            [
                Vulnerability(
                    osv_id=f"CVE-2099-{i:05d}",
                    summary=" ".join(rng.choices(PROSE, k=10)),
                    severity=rng.choice(("critical", "high", "medium", "low", "unknown")),
                )
                for i in range(BIG_FINDINGS)
            ]
        )
        if connection.vendor == "sqlite":  # bulk_create on SQLite sets no primary keys
            packages = list(Package.objects.filter(manifest=image).order_by("id"))
            vulnerabilities = list(Vulnerability.objects.filter(osv_id__startswith="CVE-2099-").order_by("id"))
        Finding.objects.bulk_create(
            [
                Finding(
                    manifest=image,
                    package=packages[i * 3],
                    vulnerability=v,
                    severity=v.severity,
                    fixed_version="9.9.9" if i % 2 else "",
                )
                for i, v in enumerate(vulnerabilities)
            ]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"catalogue: generated in {time.monotonic() - started:.0f}s", flush=True)


def _image_manifest(repository_id: int, digest: str, platform: tuple[str, str, str], size: int):
    """An indexed single-platform image manifest row (its bytes are not read by the pages measured)."""
    from images.models import Manifest

    os_, architecture, variant = platform
    return Manifest(
        repository_id=repository_id,
        digest=digest,
        media_type="application/vnd.oci.image.manifest.v1+json",
        size=500,
        content=b"{}",
        os=os_,
        architecture=architecture,
        variant=variant,
        compressed_size=size,
        index_status="indexed",
    )


def _facet_column(values) -> str:
    words = sorted(set(values))
    return f" {' '.join(words)} " if words else ""


def _repository_row(rng, made: int, library, others, official_names, trusted_of, now) -> dict:
    """The fields of the made-th generated repository (the same draws on both databases)."""
    if made < len(official_names):
        ns, name = library, official_names[made]
    else:
        ns = others[made % len(others)]
        parts = rng.sample(WORDS, rng.choice((1, 2, 2, 3)))
        name = "-".join(parts) + f"-{made}"
    readme = " ".join(rng.choices(PROSE + WORDS, k=rng.choice((0, 0, 40, 200))))
    return {
        "namespace_id": ns.id,
        "name": name,
        "short_description": " ".join(rng.choices(PROSE + WORDS, k=rng.randint(4, 12)))[:100],
        "full_description": readme,
        "is_official": ns is library,
        "trusted_content": trusted_of(ns),
        "pull_count": int(rng.paretovariate(1.2) * 100),
        "star_count": rng.randint(0, 500),
        "last_pushed_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 365)),
        **_posture_row(made, now),
    }


def _posture_row(made: int, now) -> dict:
    """Posture columns as images.services.posture keeps them: a tenth not scanned, most without critical, a
    few hundred thousand scanned within the week. Drawn apart so the catalogue's other draws stay as they were."""
    from images.models.catalogue import VULNS_RANK_UNSCANNED
    from images.services.posture import vulns_rank

    rng = random.Random(made * 7919 + 1)
    if rng.random() < 0.1:
        return {"vulns_rank": VULNS_RANK_UNSCANNED, "has_sbom": False}
    critical = 0 if rng.random() < 0.7 else rng.randint(1, 5)
    high = 0 if rng.random() < 0.5 else rng.randint(1, 20)
    medium, low, unknown = rng.randint(0, 40), rng.randint(0, 30), rng.randint(0, 10)
    total = critical + high + medium + low + unknown
    return {
        "vulns_critical": critical,
        "vulns_high": high,
        "vulns_medium": medium,
        "vulns_low": low,
        "vulns_unknown": unknown,
        "vulns_fixable": rng.randint(0, critical + high),
        "vulns_total": total,
        "vulns_rank": vulns_rank(critical, high, total),
        "last_scanned_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
        "has_sbom": rng.random() < 0.95,
    }


def _generate_bulk(repositories, rng, now, library, others, categories, trusted_of, digest, started) -> None:
    """SQLite: the catalogue in batches of bulk_create."""
    from django.db import transaction

    from images.models import Manifest, Repository, RepositoryPlatform, Tag
    from images.models.content import tag_sort_key

    batch = 5000
    made = 0
    official_names = list(dict.fromkeys(WORDS))
    while made < repositories:
        with transaction.atomic():
            repos = []
            for _ in range(min(batch, repositories - made)):
                repos.append(Repository(**_repository_row(rng, made, library, others, official_names, trusted_of, now)))
                made += 1
            Repository.objects.bulk_create(repos)
            repos = list(
                Repository.objects.filter(
                    name__in=[r.name for r in repos], namespace__in={r.namespace_id for r in repos}
                )
            )
            through = Repository.categories.through
            links = []
            platforms = []
            manifests = []
            for r in repos:
                chosen_categories = rng.sample(categories, rng.choice((0, 1, 1, 2)))
                links += [through(repository_id=r.id, category_id=c.id) for c in chosen_categories]
                chosen = [PLATFORMS[0]] + rng.sample(PLATFORMS[1:], rng.choice((0, 0, 1, 2, 3)))
                platforms += [
                    RepositoryPlatform(repository_id=r.id, os=o, architecture=a, variant=v) for o, a, v in chosen
                ]
                # The facet columns, as images.services.search_index keeps them (bulk writes send no signals).
                r.facet_os = _facet_column(o for o, _, _ in chosen)
                r.facet_architectures = _facet_column(a for _, a, _ in chosen)
                r.facet_categories = _facet_column(str(c.id) for c in sorted(chosen_categories, key=lambda c: c.id))
                o, a, v = chosen[0]
                manifests.append(_image_manifest(r.id, digest(), (o, a, v), rng.randint(10**6, 10**9)))
            through.objects.bulk_create(links)
            RepositoryPlatform.objects.bulk_create(platforms)
            Repository.objects.bulk_update(repos, ["facet_os", "facet_architectures", "facet_categories"])
            Manifest.objects.bulk_create(manifests)
            manifest_ids = dict(
                Manifest.objects.filter(digest__in=[m.digest for m in manifests]).values_list("repository_id", "id")
            )
            Tag.objects.bulk_create(
                [
                    Tag(
                        repository_id=r.id,
                        name="latest",
                        sort_key=tag_sort_key("latest"),
                        manifest_id=manifest_ids[r.id],
                        pushed_at=r.last_pushed_at,
                    )
                    for r in repos
                ]
            )
        print(f"catalogue: {made:,} repositories ({time.monotonic() - started:.0f}s)", flush=True)


def _copy_rows(model, rows) -> None:
    """COPY rows (dicts of attnames) into the model's table; absent fields take the model's default."""
    from django.db import connection

    rows = list(rows)
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated and (not f.primary_key or f.attname in rows[0])]
    constant = {}
    for f in fields:
        default = f.get_default()
        if default is None and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
            default = _NOW
        constant[f.attname] = default
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[f.attname] if f.attname in row else constant[f.attname] for f in fields])


_NOW = None


def _generate_copy(repositories, rng, now, namespaces, library, others, categories, trusted_of, digest) -> None:
    """PostgreSQL: the catalogue by COPY, with the search and order indexes built once afterwards.

    Foreign keys are not checked while loading (session_replication_role = replica): the rows are
    consistent by construction, and a million deferred checks would cost more than the load itself.
    """
    global _NOW
    from django.db import connection, transaction

    from images.models import Manifest, Repository, RepositoryPlatform, Tag
    from images.models.content import tag_sort_key

    _NOW = now
    started = time.monotonic()
    tables = [m._meta.db_table for m in (Repository, Repository.categories.through, RepositoryPlatform, Manifest, Tag)]
    with connection.cursor() as cursor:
        # Indexes that back no constraint are dropped and rebuilt after the load (one sort each).
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
    latest_key = tag_sort_key("latest")
    official_names = list(dict.fromkeys(WORDS))
    through = Repository.categories.through
    first_id = 1 + (Repository.objects.order_by("-id").values_list("id", flat=True).first() or 0)
    batch = 50_000
    made = 0
    with transaction.atomic():
        while made < repositories:
            repos, links, platforms, manifests, tags = [], [], [], [], []
            for _ in range(min(batch, repositories - made)):
                row = _repository_row(rng, made, library, others, official_names, trusted_of, now)
                row["id"] = repository_id = first_id + made
                chosen_categories = rng.sample(categories, rng.choice((0, 1, 1, 2)))
                links += [{"repository_id": repository_id, "category_id": c.id} for c in chosen_categories]
                chosen = [PLATFORMS[0]] + rng.sample(PLATFORMS[1:], rng.choice((0, 0, 1, 2, 3)))
                platforms += [
                    {"repository_id": repository_id, "os": o, "architecture": a, "variant": v} for o, a, v in chosen
                ]
                row["facet_os"] = _facet_column(o for o, _, _ in chosen)
                row["facet_architectures"] = _facet_column(a for _, a, _ in chosen)
                row["facet_categories"] = _facet_column(
                    str(c.id) for c in sorted(chosen_categories, key=lambda c: c.id)
                )
                repos.append(row)
                o, a, v = chosen[0]
                manifests.append(
                    {
                        "id": repository_id,
                        "repository_id": repository_id,
                        "digest": digest(),
                        "media_type": "application/vnd.oci.image.manifest.v1+json",
                        "size": 500,
                        "content": b"{}",
                        "os": o,
                        "architecture": a,
                        "variant": v,
                        "compressed_size": rng.randint(10**6, 10**9),
                        "index_status": "indexed",
                        "pushed_at": now,
                    }
                )
                tags.append(
                    {
                        "id": repository_id,
                        "repository_id": repository_id,
                        "name": "latest",
                        "sort_key": latest_key,
                        "manifest_id": repository_id,
                        "pushed_at": row["last_pushed_at"],
                    }
                )
                made += 1
            _copy_rows(Repository, repos)
            _copy_rows(through, links)
            _copy_rows(RepositoryPlatform, platforms)
            _copy_rows(Manifest, manifests)
            _copy_rows(Tag, tags)
            print(f"catalogue: {made:,} repositories ({time.monotonic() - started:.0f}s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))", [table])  # noqa: S608
        for name, definition in indexes:
            cursor.execute(definition)
            print(f"catalogue: index {name} ({time.monotonic() - started:.0f}s)", flush=True)


# --- measuring ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timings(connection: http.client.HTTPConnection, path: str, runs: int, *, cookie: str = "") -> list[float]:
    """runs + 1 timings: the first request (cold database caches), then `runs` after warm-up."""
    result = []
    headers = {"Cookie": cookie} if cookie else {}
    for i in range(runs + 3):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
        if i == 0 or i >= 3:  # the next two requests warm the connection and the database's caches
            result.append(elapsed)
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per page")
    parser.add_argument("--only", default="", help="run only the pages whose label contains this text")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from bench.database import database_url

    url, data_dir = database_url(os.environ.get("DATABASE_URL", ""), args.repositories, "catalogue")
    env = {
        **os.environ,
        "HUB_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    if url:
        env["DATABASE_URL"] = url
    else:
        env.pop("DATABASE_URL", None)
    database = "PostgreSQL" if url else "SQLite"
    print(f"== catalogue benchmark: {args.repositories:,} repositories on {database}", flush=True)
    subprocess.run(
        [sys.executable, __file__, "--generate-only", "--repositories", str(args.repositories)], env=env, check=True
    )

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        image_digest = _big_image_digest(env)
        member_cookie = _member_session_cookie(env)
        cases = [
            ("baseline: sign-in page", "/login/"),
            ("search: exact name (nginx)", "/search?q=nginx"),
            ("search: prefix (prom)", "/search?q=prom"),
            ("search: typo (ngnix)", "/search?q=ngnix"),
            ("search: two words (web server)", "/search?q=web+server"),
            ("search: words in description (secure minimal)", "/search?q=secure+minimal"),
            ("search: rare word, filtered (clickhouse, arm)", "/search?q=clickhouse&os=linux&arch=arm"),
            ("search: most stars (grafana)", "/search?q=grafana&sort=stars"),
            ("search: recently updated, page 2", "/search?sort=updated&page=2"),
            ("search: namespace/name", "/search?q=redis3/redis"),
            ("search: name:tag (redis:latest)", "/search?q=redis%3Alatest"),
            ("search: no query, Official Image", "/search?trusted=official"),
            ("search: no query, arm64, most pulls", "/search?arch=arm64&sort=pulls"),
            (
                "search: word + category + page 3",
                "/search?" + urlencode({"q": "server", "category": "web-servers", "page": 3}),
            ),
            ("search: no query at all", "/search"),
            # Posture (images/services/posture.py): the facets are counted on every search above; these filter
            # and sort by them. Compare with the same searches without posture (nginx, web server, no query).
            ("search: posture, no query, no critical/high", "/search?posture=no_critical_high"),
            ("search: posture, nginx, no fixable", "/search?q=nginx&posture=no_fixable"),
            (
                "search: posture, web server, all four",
                "/search?"
                + urlencode(
                    {"q": "web server", "posture": ["no_critical_high", "no_fixable", "recently_scanned", "sbom"]},
                    doseq=True,
                ),
            ),
            ("search: posture, fewest vulnerabilities", "/search?sort=vulns"),
            ("search: posture, server, fewest vulnerabilities", "/search?q=server&sort=vulns"),
            (
                "search: posture, arm64 + scanned lately, fewest",
                "/search?arch=arm64&posture=recently_scanned&sort=vulns",
            ),
            ("search, signed in: exact name (nginx)", "/search?q=nginx", member_cookie),
            ("search, signed in: two words (web server)", "/search?q=web+server", member_cookie),
            ("search, signed in: no query, arm64", "/search?arch=arm64", member_cookie),
            ("search, signed in: namespace/name", "/search?q=redis3/redis", member_cookie),
            ("repository page (10,000 tags)", "/r/bench/big-tags"),
            ("tags page 1 (10,000 tags)", "/r/bench/big-tags/tags"),
            ("tags page 150, version order", "/r/bench/big-tags/tags?page=150"),
            ("tags filtered (alpine)", "/r/bench/big-tags/tags?name=alpine"),
            ("tags, recently pushed", "/r/bench/big-tags/tags?sort=newest"),
            ("image page (2,000 packages, 500 findings)", f"/r/bench/big-tags/tags/big-image/images/{image_digest}"),
            ("image page, fixable only", f"/r/bench/big-tags/tags/big-image/images/{image_digest}?fixable=1"),
        ]
        baseline = None
        print(f"{'page':48} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7}")
        for label, path, *cookie in cases:
            if args.only and args.only not in label and not label.startswith("baseline"):
                continue
            first, *values = timings(connection, path, args.runs, cookie=cookie[0] if cookie else "")
            p50, p95 = statistics.median(values), percentile(values, 95)
            baseline = baseline or p95
            print(f"{label:48} {first:9.1f} {p50:8.1f} {p95:8.1f} {p95 / baseline:7.1f}", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if args.only in POSTURE_LABEL:
        subprocess.run(
            [sys.executable, __file__, "--posture-overhead", "--runs", str(args.runs)], env=env, cwd=ROOT, check=True
        )
    return 0


POSTURE_LABEL = "posture facets: search (in process), ms"
POSTURE_QUERIES = [
    ("no query at all", "", ()),
    ("exact name (nginx)", "nginx", ()),
    ("two words (web server)", "web server", ()),
    ("rare word, arm (clickhouse)", "clickhouse", ("arm",)),
]


def posture_overhead(runs: int) -> None:
    """What the posture facets add to a search: repository_search in this process, timed with the posture tests
    counted (as shipped) and without them (images.search.facets' posture tests emptied), run after run in
    turn so that both see the same load."""
    import django

    django.setup()
    from images.search import facets
    from images.search.facets import SearchFilters
    from images.search.service import repository_search

    with_posture, keys = facets._posture_conditions, facets.POSTURE_KEYS
    print(f"\n{POSTURE_LABEL:48} {'with p50':>9} {'without':>8} {'with p95':>9} {'without':>8}")
    for label, query, architectures in POSTURE_QUERIES:
        filters = SearchFilters(architectures=architectures)
        timed: dict[bool, list[float]] = {True: [], False: []}
        for run in range(runs + 1):
            for counted in (True, False):
                facets._posture_conditions = with_posture if counted else dict
                facets.POSTURE_KEYS = keys if counted else []
                started = time.perf_counter()
                repository_search(user=None, query=query, filters=filters)
                if run:  # the first run of each warms the caches
                    timed[counted].append((time.perf_counter() - started) * 1000)
        facets._posture_conditions, facets.POSTURE_KEYS = with_posture, keys
        on, off = timed[True], timed[False]
        print(
            f"{label:48} {statistics.median(on):9.1f} {statistics.median(off):8.1f}"
            f" {percentile(on, 95):9.1f} {percentile(off, 95):8.1f}",
            flush=True,
        )


_MEMBER_SESSION = """
import django; django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from images.models import Membership, Team, TeamMember, TeamRepositoryPermission
from images.models import Namespace, Repository
user, _ = get_user_model().objects.get_or_create(username="bench-member", defaults={"email": "m@example.com"})
organizations = list(Namespace.objects.filter(kind="org").exclude(name__in=["library", "bench"]).order_by("id")[:2])
for organization in organizations:
    Membership.objects.get_or_create(organization=organization, user=user)
    Repository.objects.filter(namespace=organization).update(is_private=True)
team, _ = Team.objects.get_or_create(organization=organizations[1], name="bench-team")
TeamMember.objects.get_or_create(team=team, user=user)
repository = Repository.objects.filter(namespace=organizations[1]).order_by("id").first()
TeamRepositoryPermission.objects.get_or_create(team=team, repository=repository, defaults={"permission": "read"})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def _member_session_cookie(env) -> str:
    """A session of a user who belongs to two organizations (whose repositories are private) and one team."""
    key = subprocess.run(
        [sys.executable, "-c", _MEMBER_SESSION], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    return f"sessionid={key}"


def _big_image_digest(env) -> str:
    code = (
        "import django; django.setup(); from images.models import Tag; "
        "print(Tag.objects.get(repository__name='big-tags', name='big-image').manifest.digest)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


if __name__ == "__main__":
    if "--generate-only" in sys.argv:
        sys.path.insert(0, str(ROOT))
        options = argparse.ArgumentParser()
        options.add_argument("--generate-only", action="store_true")
        options.add_argument("--repositories", type=int)
        generate(options.parse_args().repositories)
        sys.exit(0)
    if "--posture-overhead" in sys.argv:
        sys.path.insert(0, str(ROOT))
        options = argparse.ArgumentParser()
        options.add_argument("--posture-overhead", action="store_true")
        options.add_argument("--runs", type=int)
        posture_overhead(options.parse_args().runs)
        sys.exit(0)
    sys.exit(main())
