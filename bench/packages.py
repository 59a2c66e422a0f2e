"""Package and advisory search benchmark: `pkg:`, `cve:` ... queries through repository_search and the page.

    python bench/packages.py                           # 1,000 images on SQLite (var/bench/packages-sqlite-1000)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/packages.py --images 10000
                                                       # PostgreSQL: a `<db>_bench_packages_<n>` database beside it

Generated once per (database, size) with bulk SQL (generate_series on PostgreSQL, a recursive CTE on SQLite)
and kept: one repository per image, 300 packages per image (3 million at 10,000 images), one package in
15 with a finding (200,000), 20,000 advisories with CVE and GHSA aliases. Every image holds `openssl` in one
of 39 versions (Debian 3.0.x and 1.1.1x), and 3,000 other names spread evenly (each in a tenth of the
images). Timings are in-process (the search service, then the whole page through Django's test client),
each with its ratio to a plain word search measured in the same run. Target: p95 <= 100 ms per case on
PostgreSQL at 10,000 images.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES_PER_IMAGE = 300
NAMES = 3_000
ADVISORIES = 20_000
WORDS = "nginx redis postgres python node web api server worker proxy".split()


def generate(images: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from images.models import Finding, Package, Repository, RepositoryPackage, Vulnerability
    from images.services.search_index import repository_platforms_refresh

    started = time.perf_counter()
    now = timezone.now()
    postgres = connection.vendor == "postgresql"
    if Finding.objects.exists():
        if not RepositoryPackage.objects.exists() or not Repository.objects.filter(vulns_total__isnull=False).exists():
            _derived_rebuild(started)  # a database generated before the derived rows
        return
    # Each stage commits: a run that stops half-way resumes at the first stage not done.
    if not Repository.objects.filter(namespace__name__startswith="bench").exists():
        _generate_images(images, now)
        print(f"  {images:,} repositories, manifests, tags: {time.perf_counter() - started:.1f} s", flush=True)
    if not Package.objects.exists():
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events before CREATE INDEX
            _generate_packages(cursor, postgres)
        print(f"  packages: {time.perf_counter() - started:.1f} s", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        if not Vulnerability.objects.exists():
            _generate_advisories(cursor, postgres)
        _generate_findings(cursor)
        print(f"  advisories and findings: {time.perf_counter() - started:.1f} s", flush=True)
    for repository_id in Repository.objects.values_list("id", flat=True):
        repository_platforms_refresh(repository_id=repository_id)
    _derived_rebuild(started)
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)


def _derived_rebuild(started: float) -> None:
    """The derived per-repository rows search reads (images/services/repository_contents.py) and the posture
    columns (every image scanned now), then statistics."""
    from django.db import connection
    from django.utils import timezone

    from images.models import Manifest, Repository, RepositoryPackage
    from images.services.posture import repositories_posture_refresh
    from images.services.repository_contents import repository_contents_rebuild

    if not RepositoryPackage.objects.exists():
        repository_contents_rebuild()
    if not Repository.objects.filter(vulns_total__isnull=False).exists():
        Manifest.objects.update(findings_at=timezone.now())
        repositories_posture_refresh()
    print(f"  repository packages and findings, posture: {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")  # index-only scans


def _generate_images(images: int, now) -> None:
    from django.db import transaction

    from images.models import Manifest, Namespace, Repository, Tag
    from images.models.content import tag_sort_key

    with transaction.atomic():
        namespaces = Namespace.objects.bulk_create(
            [Namespace(name=f"bench{n}", kind=Namespace.Kind.ORGANIZATION) for n in range(100)]
        )
        repositories = Repository.objects.bulk_create(
            [
                Repository(
                    namespace=namespaces[n % 100],
                    name=f"{WORDS[n % len(WORDS)]}-{n}",
                    short_description=f"A {WORDS[(n // 10) % len(WORDS)]} image",
                    pull_count=n * 7 % 10_000,
                    last_pushed_at=now,
                )
                for n in range(images)
            ],
            batch_size=2_000,
        )
        manifests = Manifest.objects.bulk_create(
            [
                Manifest(
                    repository=r,
                    digest=f"sha256:{n:064x}",
                    media_type="application/vnd.oci.image.manifest.v1+json",
                    size=1,
                    content=b"{}",
                    os="linux",
                    architecture="arm64" if n % 4 == 0 else "amd64",
                    os_ecosystem="Debian:12",
                    index_status="indexed",
                )
                for n, r in enumerate(repositories)
            ],
            batch_size=2_000,
        )
        Tag.objects.bulk_create(
            [
                Tag(repository=r, name="latest", sort_key=tag_sort_key("latest"), manifest=m, pushed_at=now)
                for r, m in zip(repositories, manifests, strict=True)
            ],
            batch_size=2_000,
        )


def _generate_packages(cursor, postgres: bool) -> None:
    series = (
        f"generate_series(0, {PACKAGES_PER_IMAGE - 1}) AS s(i)"
        if postgres
        else f"(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {PACKAGES_PER_IMAGE - 1})"  # noqa: S608 (constants of this script only)
        " SELECT i FROM s) AS s"
    )
    letter = "chr((97 + m.n % 23)::int)" if postgres else "char(97 + m.n % 23)"
    indexes = _drop_indexes(cursor, "images_package") if postgres else []
    # Package i of image n: openssl for i = 0 (one of 39 versions), else name (n + 10 i) mod NAMES, distinct
    # within an image; a seventh of them PyPI packages.
    cursor.execute(
        "INSERT INTO images_package (manifest_id, type, name, version, source_name, source_version, arch,"  # noqa: S608 (constants of this script only)
        " licenses, purl, path, advisory_key)"
        " SELECT m.id, CASE WHEN s.i > 0 AND s.i % 7 = 0 THEN 'pypi' ELSE 'deb' END,"
        f" CASE WHEN s.i = 0 THEN 'openssl' ELSE 'pkg' || ((m.n + s.i * 10) % {NAMES}) END,"
        " CASE WHEN s.i = 0 AND m.n % 2 = 0 THEN '3.0.' || (m.n / 2 % 16) || '-1~deb12u1'"
        f" WHEN s.i = 0 THEN '1.1.1' || {letter} || '-0+deb11u1'"
        " ELSE (1 + m.n % 5) || '.' || ((m.n + s.i) % 20) || '.' || (m.n % 7) END,"
        " '', '', 'amd64', '', '', '', ''"
        " FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM images_manifest) AS m, " + series
    )
    for statement in indexes:
        cursor.execute(statement)


def _generate_advisories(cursor, postgres: bool) -> None:
    aliases = (
        "jsonb_build_array('CVE-2024-' || (10000 + v.n), 'GHSA-' || lpad(v.n::text, 4, '0') || '-bbbb-cccc')"
        if postgres
        else "json_array('CVE-2024-' || (10000 + v.n), 'GHSA-' || substr('0000' || v.n, -4) || '-bbbb-cccc')"
    )
    advisories = (
        f"generate_series(1, {ADVISORIES}) AS v(n)"
        if postgres
        else f"(WITH RECURSIVE v(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM v WHERE n < {ADVISORIES})"  # noqa: S608 (constants of this script only)
        " SELECT n FROM v) AS v"
    )
    empty = "'[]'::jsonb" if postgres else "'[]'"
    cursor.execute(
        "INSERT INTO images_vulnerability (osv_id, summary, details, aliases, severity, cvss_vector,"  # noqa: S608 (constants of this script only)
        ' severity_source, source, "references", data)'
        f" SELECT 'BENCH-' || v.n, 'A generated advisory', '', {aliases}, 'high', '', '', '', {empty}, '{{}}'"
        f" FROM {advisories}"
    )
    # The rows `cve:` and `ghsa:` are looked up by (VulnerabilityAlias), as the OSV service writes them.
    for alias in ("'CVE-2024-' || (10000 + n)", _ghsa(postgres)):
        cursor.execute(
            "INSERT INTO images_vulnerabilityalias (vulnerability_id, alias)"  # noqa: S608 (constants of this script only)
            f" SELECT id, {alias} FROM (SELECT id, CAST(substr(osv_id, 7) AS integer) AS n"
            " FROM images_vulnerability WHERE osv_id LIKE 'BENCH-%') AS v"
        )


def _ghsa(postgres: bool) -> str:
    return (
        "'GHSA-' || lpad(n::text, 4, '0') || '-bbbb-cccc'"
        if postgres
        else "'GHSA-' || substr('0000' || n, -4) || '-bbbb-cccc'"
    )


def _generate_findings(cursor) -> None:
    """One package in 15 has a finding: one of the advisories, a severity and a fix in turn."""
    cursor.execute("SELECT min(id) FROM images_vulnerability")
    first = cursor.fetchone()[0]
    cursor.execute(
        "INSERT INTO images_finding (manifest_id, package_id, vulnerability_id, severity, fixed_version,"  # noqa: S608 (constants of this script only)
        " fix_state, created_at)"
        f" SELECT p.manifest_id, p.id, {first} + (p.id / 15) % {ADVISORIES},"
        " CASE p.id / 15 % 4 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END,"
        " CASE WHEN p.id / 15 % 3 = 0 THEN '' ELSE '9.9.9' END,"
        " CASE WHEN p.id / 15 % 3 = 0 THEN 'unfixed' ELSE 'fixed' END, CURRENT_TIMESTAMP"
        " FROM images_package p WHERE p.id % 15 = 0"
    )


def _drop_indexes(cursor, table: str) -> list[str]:
    """Drop a table's indexes but its primary key, for a bulk insert; returns what re-creates them."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%_pkey'", [table]
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(call, runs: int) -> tuple[float, list[float]]:
    """The first call (cold), then `runs` after two warm-up calls, in ms."""
    values = []
    for i in range(runs + 3):
        started = time.perf_counter()
        call()
        if i == 0 or i >= 3:
            values.append((time.perf_counter() - started) * 1000)
    return values[0], values[1:]


def measure(runs: int, only: str) -> None:
    from django.db import connection
    from django.test import Client

    from images.models import Finding, Package, RepositoryFinding, RepositoryPackage
    from images.search.facets import SearchFilters
    from images.search.service import repository_search

    cve = "CVE-2024-" + str(10000 + 1234)
    counts = Package.objects.count(), Finding.objects.count()
    held = RepositoryPackage.objects.count(), RepositoryFinding.objects.count()
    print(f"  {counts[0]:,} packages, {counts[1]:,} findings on {connection.vendor}", flush=True)
    print(f"  derived: {held[0]:,} repository packages, {held[1]:,} repository findings", flush=True)
    arm = SearchFilters(architectures=("arm64",))
    fixable = SearchFilters(posture=("no_fixable",))
    cases = [
        ("baseline: word (nginx)", {"query": "nginx"}),
        ("pkg:openssl (in every image)", {"query": "pkg:openssl"}),
        ("pkg:pkg1234 (a tenth of the images)", {"query": "pkg:pkg1234"}),
        ("pkg:openssl<3.0.14", {"query": "pkg:openssl<3.0.14"}),
        ("pkg:openssl>=3,<3.0.14", {"query": "pkg:openssl>=3,<3.0.14"}),
        ("pkg:pypi/pkg1239@2.10.1", {"query": "pkg:pypi/pkg1239>=2.10.1"}),
        (f"cve:{cve}", {"query": f"cve:{cve}"}),
        ("severity:critical fixable:yes", {"query": "severity:critical fixable:yes"}),
        ("word + pkg: (nginx pkg:openssl<3.0.14)", {"query": "nginx pkg:openssl<3.0.14"}),
        ("word + cve: (nginx cve:...)", {"query": f"nginx cve:{cve}"}),
        ("pkg:openssl<3.0.14 + arm64 facet", {"query": "pkg:openssl<3.0.14", "filters": arm}),
        ("word + pkg: + facet, most pulls", {"query": "node pkg:pkg1234<9", "filters": arm, "sort": "pulls"}),
        ("Packages tab: pkg:openssl", {"query": "pkg:openssl", "package_versions": True}),
        ("pkg:openssl<3.0.14 + posture facet", {"query": "pkg:openssl<3.0.14", "filters": fixable}),
        ("severity:critical + posture facet", {"query": "severity:critical", "filters": fixable}),
    ]
    client = Client()
    pages = [
        ("page: pkg:openssl<3.0.14", "/search?q=pkg%3Aopenssl%3C3.0.14"),
        ("page: nginx pkg:openssl<3.0.14 arm64", "/search?q=nginx+pkg%3Aopenssl%3C3.0.14&arch=arm64"),
        (f"page: cve:{cve}", f"/search?q=cve%3A{cve}"),
        ("page: Packages tab, pkg:openssl", "/search?q=pkg%3Aopenssl&tab=packages"),
    ]
    baseline = None
    print(f"{'case':48} {'found':>6} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7}")
    for label, search in cases:
        if only and only not in label and not label.startswith("baseline"):
            continue
        total = repository_search(user=None, **search).total
        first, values = timed(lambda search=search: repository_search(user=None, **search), runs)
        p95 = percentile(values, 95)
        baseline = baseline or p95
        print(f"{label:48} {total:6} {first:9.1f} {statistics.median(values):8.1f} {p95:8.1f} {p95 / baseline:7.1f}")
    for label, path in pages:
        if only and only not in label:
            continue

        def get(path=path):
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        first, values = timed(get, runs)
        p95 = percentile(values, 95)
        print(f"{label:48} {'':6} {first:9.1f} {statistics.median(values):8.1f} {p95:8.1f} {p95 / baseline:7.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=30, help="timed calls per case")
    parser.add_argument("--only", default="", help="run only the cases whose label contains this text")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.database import database_url

    url, data_dir = database_url(os.environ.get("DATABASE_URL", ""), args.images, "packages")
    os.environ["HUB_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    os.environ["DEBUG"] = "0"
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    print(f"== package search benchmark: {args.images:,} images on {'PostgreSQL' if url else 'SQLite'}", flush=True)
    call_command("migrate", verbosity=0)
    generate(args.images)
    measure(args.runs, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
