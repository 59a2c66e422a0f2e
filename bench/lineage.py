"""Lineage benchmark: base-image detection from scratch, the extra work per newly indexed image, and the image page.

    python bench/lineage.py                            # 1,000 images on SQLite (var/bench/lineage-sqlite-1000)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_x python bench/lineage.py --images 10000
                                                       # PostgreSQL: a `<db>_bench_lineage_<n>` database beside it

The images (generated once per database and size, then kept): 20 base repositories `library/base<i>`, each
with the image its `latest` tag named first (3 layers, 300 packages, 5 critical findings) and the newer image
it names now (2 days ago, 300 packages of which 30 at another version, no findings); 40 runtime repositories
built on the old bases (+2 layers); the rest application images (one repository each, in 100 organizations)
built on a runtime or a base (+1 to 3 layers). Every image has its manifest and config stored as a push leaves
them (the config blob in storage, with `rootfs.diff_ids`) and its layer rows; so the rebuild reads exactly
what `manage.py reindex --lineage` reads. Times:
  (a) lineage_rebuild(): every image's chain and prefix keys from scratch (target <= 10 s at 10,000 on PG),
  (b) lineage_record() for 50 new images, as indexing calls it (target <= 50 ms each),
  (c) the image page of 200 application images (base line, base layers, "rebuild fixes"; target p95 <= 150 ms),
  (d) the repository page of a base ("used as a base by"), and a `base:` search.
"""

import argparse
import hashlib
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASES = 20
RUNTIMES = 40
PACKAGES = 300


def _digest(kind: str, n: int) -> str:
    return f"sha256:{kind}{n:0{64 - len(kind)}x}"


def _store_image(store, manifest_digest: str, chain: list[str], layer_digests: list[str]) -> tuple[bytes, str]:
    from images.storage import blob_path

    config = {
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": chain},
        "history": [{"created_by": f"RUN step {i}"} for i in range(len(chain))]
        + [{"created_by": "CMD", "empty_layer": True}],
    }
    config_bytes = json.dumps(config).encode()
    config_digest = f"sha256:{hashlib.sha256(manifest_digest.encode()).hexdigest()}"
    store.object_write(blob_path(config_digest), io.BytesIO(config_bytes))
    body = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": len(config_bytes),
        },
        "layers": [
            {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": 1000}
            for d in layer_digests
        ],
    }
    return json.dumps(body).encode(), config_digest


def generate(images: int) -> None:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from images.models import Finding, Layer, Manifest, Namespace, Package, Repository, Tag, TagHistory, Vulnerability
    from images.models.content import tag_sort_key
    from images.storage import blob_storage

    if Manifest.objects.exists():
        return
    started = time.perf_counter()
    now = timezone.now()
    store = blob_storage()
    counter = iter(range(10**9))

    def layers(n: int) -> tuple[list[str], list[str]]:
        ids = [next(counter) for _ in range(n)]
        return [_digest("d", i) for i in ids], [_digest("a", i) for i in ids]

    with transaction.atomic():
        library, _ = Namespace.objects.get_or_create(name="library", defaults={"kind": Namespace.Kind.ORGANIZATION})
        orgs = Namespace.objects.bulk_create(
            [Namespace(name=f"lin{n}", kind=Namespace.Kind.ORGANIZATION) for n in range(100)]
        )
        plan = []  # (namespace, repository name, tag, chain, layer digests, age in days)
        base_chains = []
        for b in range(BASES):
            chain, digests = layers(3)
            base_chains.append((chain, digests))
            plan.append((library, f"base{b}", "", chain, digests, 30))  # the old image: its tag moved on
            new_chain, new_digests = layers(3)
            plan.append((library, f"base{b}", "latest", new_chain, new_digests, 2))
        runtime_chains = []
        for r in range(RUNTIMES):
            chain, digests = base_chains[r % BASES]
            own, own_digests = layers(2)
            runtime_chains.append((chain + own, digests + own_digests))
            plan.append((library, f"runtime{r}", "latest", chain + own, digests + own_digests, 20))
        for n in range(images - len(plan)):
            chain, digests = (runtime_chains + base_chains)[n % (RUNTIMES + BASES)]
            own, own_digests = layers(1 + n % 3)
            plan.append((orgs[n % 100], f"app-{n}", "latest", chain + own, digests + own_digests, 5))
        repositories = {}
        for namespace, name, *_ in plan:
            repositories.setdefault(
                (namespace.pk, name), Repository(namespace=namespace, name=name, last_pushed_at=now)
            )
        Repository.objects.bulk_create(list(repositories.values()), batch_size=2000)
        manifests = []
        for i, (namespace, name, _tag, chain, digests, age) in enumerate(plan):
            digest = _digest("e", i)
            content, config_digest = _store_image(store, digest, chain, digests)
            manifests.append(
                Manifest(
                    repository=repositories[(namespace.pk, name)],
                    digest=digest,
                    media_type="application/vnd.oci.image.manifest.v1+json",
                    size=len(content),
                    content=content,
                    config_digest=config_digest,
                    os="linux",
                    architecture="amd64",
                    index_status="indexed",
                    image_created_at=now - timedelta(days=age),
                )
            )
        Manifest.objects.bulk_create(manifests, batch_size=2000)
        Manifest.objects.update(pushed_at=now - timedelta(days=5))
        Layer.objects.bulk_create(
            [
                Layer(manifest=m, position=p, digest=d, size=1000, created_by=f"RUN step {p}")
                for m, (*_, digests, _age) in zip(manifests, plan, strict=True)
                for p, d in enumerate(digests)
            ]
            + [
                Layer(manifest=m, position=len(plan_row[4]), empty_layer=True, created_by="CMD")
                for m, plan_row in zip(manifests, plan, strict=True)
            ],
            batch_size=5000,
        )
        tags, history = [], []
        for m, (namespace, name, tag, *_rest, age) in zip(manifests, plan, strict=True):
            repository = repositories[(namespace.pk, name)]
            named = tag or "latest"
            history.append(
                TagHistory(repository=repository, name=named, manifest=m, first_at=now - timedelta(days=age))
            )
            if tag:
                tags.append(
                    Tag(
                        repository=repository,
                        name=tag,
                        sort_key=tag_sort_key(tag),
                        manifest=m,
                        pushed_at=now - timedelta(days=age),
                    )
                )
        Tag.objects.bulk_create(tags, batch_size=2000)
        TagHistory.objects.bulk_create(history, batch_size=2000)
        # The bases' packages and findings: the old images have 5 critical advisories the new ones fixed.
        advisories = Vulnerability.objects.bulk_create(
            [Vulnerability(osv_id=f"BENCH-LIN-{i}", summary="bench", severity="critical") for i in range(5)]
        )
        for b in range(BASES):
            old, new = manifests[2 * b], manifests[2 * b + 1]
            for image, bumped in ((old, False), (new, True)):
                Package.objects.bulk_create(
                    [
                        Package(
                            manifest=image,
                            type="deb",
                            name=f"pkg{p}",
                            version=f"1.{1 if bumped and p % 10 == 0 else 0}",
                        )
                        for p in range(PACKAGES)
                    ]
                )
            vulnerable = list(Package.objects.filter(manifest=old).order_by("pk")[:5])
            Finding.objects.bulk_create(
                [
                    Finding(manifest=old, package=p, vulnerability=v, severity="critical")
                    for p, v in zip(vulnerable, advisories, strict=True)
                ]
            )
    print(f"  generated {len(plan):,} images in {time.perf_counter() - started:.1f} s", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, transaction
    from django.test import Client

    from images.models import ChainPrefix, Manifest, Repository, Tag
    from images.search.service import repository_search
    from images.selectors.lineage import image_lineage, repository_dependents
    from images.services.lineage import lineage_rebuild, lineage_record
    from images.storage import blob_storage

    started = time.perf_counter()
    count = lineage_rebuild()
    rebuilt = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"{'(a) lineage_rebuild() from scratch (target <= 10 s at 10k, PG)':66} {rebuilt:7.2f} s"
        f"  {count:,} images, {ChainPrefix.objects.count():,} prefix rows"
    )

    store = blob_storage()
    runtime = Manifest.objects.filter(repository__name="runtime0").first()
    body = json.loads(bytes(runtime.content))
    chain = json.loads(store.open(runtime.config_digest).read())["rootfs"]["diff_ids"]
    repository = Repository.objects.get(namespace__name="lin0", name="app-0")
    seconds = []
    for i in range(50):
        own = [_digest("f", i)]
        content, config_digest = _store_image(
            store, _digest("g", i), chain + own, [lay["digest"] for lay in body["layers"]] + [_digest("h", i)]
        )
        manifest = Manifest.objects.create(
            repository=repository,
            digest=_digest("g", i),
            media_type=body["mediaType"],
            size=len(content),
            content=content,
            config_digest=config_digest,
            os="linux",
            architecture="amd64",
            index_status="indexed",
        )
        config = json.loads(store.open(config_digest).read())
        begun = time.perf_counter()
        with transaction.atomic():
            lineage_record(manifest=manifest, config=config, body=json.loads(content))
        seconds.append(time.perf_counter() - begun)
    print(
        f"{'(b) lineage_record() per newly indexed image (target <= 50 ms)':66}"
        f" {statistics.mean(seconds) * 1000:7.1f} ms mean, {max(seconds) * 1000:.1f} ms max"
    )

    client = Client()
    apps = list(
        Tag.objects.filter(repository__name__startswith="app-")
        .select_related("repository__namespace", "manifest")
        .order_by("pk")[:200]
    )
    client.get(
        f"/r/{apps[0].repository.namespace.name}/{apps[0].repository.name}/tags/latest/images/{apps[0].manifest.digest}"
    )
    page_times, fixed = [], 0
    for tag in apps:
        begun = time.perf_counter()
        response = client.get(
            f"/r/{tag.repository.namespace.name}/{tag.repository.name}/tags/latest/images/{tag.manifest.digest}"
        )
        page_times.append(time.perf_counter() - begun)
        assert response.status_code == 200 and b"Built FROM" in response.content
        fixed += b"rebuilding would fix 5" in response.content
    print(
        f"{'(c) image page with lineage, 200 images (target p95 <= 150 ms)':66}"
        f" {percentile(page_times, 50) * 1000:7.1f} ms p50,"
        f" {percentile(page_times, 95) * 1000:.1f} ms p95; {fixed} say 'rebuilding would fix 5'"
    )
    # The share of the page that is lineage: image_lineage() alone, for the same images, in the same run.
    user = AnonymousUser()
    alone = []
    for tag in apps:
        begun = time.perf_counter()
        image_lineage(manifest=tag.manifest, user=user)
        alone.append(time.perf_counter() - begun)
    print(
        f"{'    of which image_lineage() (the base line, layers, rebuild gain)':66}"
        f" {percentile(alone, 50) * 1000:7.1f} ms p50, {percentile(alone, 95) * 1000:.1f} ms p95"
    )
    repo_times = []
    for b in range(10):
        begun = time.perf_counter()
        response = client.get(f"/_/base{b}")
        repo_times.append(time.perf_counter() - begun)
        assert b"Used as a base by" in response.content
    dependents = []
    for b in range(10):
        begun = time.perf_counter()
        repository_dependents(repository=Repository.objects.get(namespace__name="library", name=f"base{b}"), user=user)
        dependents.append(time.perf_counter() - begun)
    begun = time.perf_counter()
    result = repository_search(user=None, query="base:library/base0")
    searched = time.perf_counter() - begun
    print(
        f"{'(d) base repository page (used as a base by ...), 10 pages':66}"
        f" {percentile(repo_times, 50) * 1000:7.1f} ms p50, {max(repo_times) * 1000:.1f} ms max"
    )
    print(
        f"{'    of which repository_dependents()':66}"
        f" {percentile(dependents, 50) * 1000:7.1f} ms p50, {max(dependents) * 1000:.1f} ms max"
    )
    print(f"{'    search base:library/base0 (with facets)':66} {searched * 1000:7.1f} ms  {result.total:,} results")
    Manifest.objects.filter(digest__startswith="sha256:g").delete()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1_000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.database import database_url

    url, data_dir = database_url(os.environ.get("DATABASE_URL", ""), args.images, kind="lineage")
    os.environ["HUB_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings"
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    print(f"== lineage benchmark: {args.images:,} images on {'PostgreSQL' if url else 'SQLite'}", flush=True)
    call_command("migrate", verbosity=0)
    generate(args.images)
    measure()
    return 0


if __name__ == "__main__":
    sys.exit(main())
