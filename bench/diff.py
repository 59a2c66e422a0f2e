"""Compare and sharing benchmark: the diff of two images with 2,000 packages each, and the image page
(layer sharing and download cost) among many images holding the same base layer.

    python bench/diff.py                               # SQLite (var/bench/diff-sqlite-10000)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub python bench/diff.py --images 10000
                                                       # PostgreSQL: a `<db>_bench_diff_<n>` database beside it

Generated once per (database, size) and kept. Two real releases are pushed and indexed by the indexer
itself (images.services.demo.image_push + manifest_index): a Debian base layer whose dpkg database
lists 2,000 packages, an upgrade layer that moves 500 of them (upgrades, downgrades, 100 added, 100
removed), changed config; 300 OSV records make findings on both. Then `--images` filler images, in
repositories of ten, each hold the same base layer and three layers of their own (Layer rows in bulk).
Timings are in-process: the compare selector, then the compare page and API and the image page through
Django's test client, each with its ratio to a plain tag-page request measured in the same run.
Targets: the diff <= 100 ms server time; the image page with sharing p95 <= 150 ms at 10,000 images.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = 2_000
ADVISORIES = 300
DEBIAN = b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'


def _status(versions: dict[str, str]) -> bytes:
    return "".join(
        f"Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n\n"
        for name, version in versions.items()
    ).encode()


def _releases():
    from images.oci.build import LayerSpec, image_build

    base = {f"pkg{i:04}": f"1.{i % 40}.{i % 7}-1" for i in range(PACKAGES)}
    moved = dict(base)
    for i in range(0, 500, 5):
        del moved[f"pkg{i:04}"]  # 100 removed
        moved[f"new{i:04}"] = "0.1-1"  # 100 added
    for i in range(1, 500, 5):
        moved[f"pkg{i:04}"] = f"1.{i % 40}.{i % 7 + 1}-1"  # upgraded
        moved[f"pkg{i + 1:04}"] = f"1:0.{i % 40}-1"  # an epoch: upgraded
        moved[f"pkg{i + 2:04}"] = f"1.{i % 40}.{i % 7}~rc1-1"  # a tilde: downgraded
    files = {"usr/lib/os-release": DEBIAN, "var/lib/dpkg/status": _status(base)}
    base_layer = LayerSpec(files, "ADD rootfs.tar /")
    one = image_build([base_layer, LayerSpec({"app/v": b"1"}, "COPY app /app")], env=["MODE=dev"], cmd=["serve"])
    upgrade = LayerSpec({"var/lib/dpkg/status": _status(moved)}, "RUN apt-get upgrade -y")
    two = image_build(
        [base_layer, upgrade, LayerSpec({"app/v": b"2"}, "COPY app /app")], env=["MODE=prod", "X=1"], cmd=["run"]
    )
    return one, two


def generate(images: int) -> None:
    from django.db import transaction

    from images.models import Layer, Manifest, Namespace, Repository, Tag
    from images.services.authorization import SYSTEM
    from images.services.demo import image_push
    from images.services.indexing import manifest_index
    from images.services.repositories import repository_ensure
    from images.services.vulns import vulnerability_import

    if Tag.objects.filter(repository__name="app", name="2").exists():
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        for i in range(ADVISORIES):
            record = {
                "id": f"BENCH-{i}",
                "modified": "2024-01-01T00:00:00Z",
                "affected": [
                    {
                        "package": {"ecosystem": "Debian:12", "name": f"pkg{i * 5:04}"},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.9-1"}]}],
                    }
                ],
            }
            Path(directory, f"BENCH-{i}.json").write_text(json.dumps(record))
        vulnerability_import(source=directory)
    Namespace.objects.get_or_create(name="bench", defaults={"kind": Namespace.Kind.ORGANIZATION})
    repository = repository_ensure(actor=SYSTEM, namespace_name="bench", name="app")
    one, two = _releases()
    for tag, image in (("1", one), ("2", two)):
        manifest_index(manifest_id=image_push(repository=repository, image=image, tag=tag).pk)
    print(f"  two releases pushed and indexed: {time.perf_counter() - started:.1f} s", flush=True)
    base = Layer.objects.filter(manifest__digest=two.digest, position=0).get()
    with transaction.atomic():
        repositories = Repository.objects.bulk_create(
            [Repository(namespace=repository.namespace, name=f"filler{r}") for r in range(images // 10)]
        )
        manifests = Manifest.objects.bulk_create(
            [
                Manifest(
                    repository=repositories[i // 10],
                    digest=f"sha256:{i:064x}",
                    media_type="x",
                    size=1,
                    content=b"{}",
                    compressed_size=4 * base.size,
                    index_status="indexed",
                )  # fmt: skip
                for i in range(images)
            ],
            batch_size=1000,
        )
        Layer.objects.bulk_create(
            [
                Layer(
                    manifest=m,
                    position=p,
                    digest=base.digest if p == 0 else f"sha256:{m.pk:060x}{p:04x}",
                    size=base.size if p == 0 else 1000,
                    uncompressed_size=4000,
                )  # fmt: skip
                for m in manifests
                for p in range(4)
            ],
            batch_size=2000,
        )
    print(f"  {images:,} filler images sharing the base layer: {time.perf_counter() - started:.1f} s", flush=True)


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


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client

    from images.models import Layer, Manifest, Package, Repository
    from images.selectors.diff import image_compare

    repository = Repository.objects.get(namespace__name="bench", name="app")
    two = Manifest.objects.get(repository=repository, tags__name="2")
    diff = image_compare(user=None, repository=repository, before="1", after="2").diff
    print(
        f"  {Layer.objects.count():,} layers, {Package.objects.filter(manifest__repository=repository).count():,}"
        f" packages in the two releases on {connection.vendor}; the diff: {len(diff.packages_upgraded)} upgraded,"
        f" {len(diff.packages_downgraded)} downgraded, {len(diff.packages_added)} added,"
        f" {len(diff.packages_removed)} removed, {len(diff.findings_fixed)} findings fixed",
        flush=True,
    )
    client = Client()

    def get(path):
        def call():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call

    cases = [
        ("baseline: tags page", get("/r/bench/app/tags")),
        (
            "diff selector, 2,000 packages each",
            lambda: image_compare(user=None, repository=repository, before="1", after="2"),
        ),  # fmt: skip
        ("compare API", get("/v2/repositories/bench/app/compare/?from=1&to=2")),
        ("compare page", get("/r/bench/app/compare/1...2")),
        ("image page with sharing and download cost", get(f"/r/bench/app/tags/2/images/{two.digest}")),
    ]
    baseline = None
    print(f"{'case':48} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7}")
    for label, call in cases:
        first, values = timed(call, runs)
        p95 = percentile(values, 95)
        baseline = baseline or p95
        print(f"{label:48} {first:9.1f} {statistics.median(values):8.1f} {p95:8.1f} {p95 / baseline:7.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10_000, help="filler images sharing the base layer")
    parser.add_argument("--runs", type=int, default=30, help="timed calls per case")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from bench.database import database_url

    url, data_dir = database_url(os.environ.get("DATABASE_URL", ""), args.images, "diff")
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
    print(
        f"== compare and sharing benchmark: {args.images:,} images on {'PostgreSQL' if url else 'SQLite'}", flush=True
    )
    call_command("migrate", verbosity=0)
    generate(args.images)
    measure(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
